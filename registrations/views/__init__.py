"""The registrations pages, one module per page: the registration form (register), the
participant's own page behind their private link (my_registration), and the organisers' list
with its export and actions (registration_list). Paying, badges and check-in have their pages
in their own packages."""
