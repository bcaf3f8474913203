"""The shared floor: what every app uses (errors, API auth, pagination, conditional GETs,
redirects, configuration, middleware, the back office's event scoping, the fast paths). It
imports no app; the apps and the project's wiring import it."""
