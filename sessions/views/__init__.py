"""The agenda's pages: the public agenda, a session and the personal agenda (agenda); the chair
console (chair); the organisers' agenda builder and session editor (builder). The calendar and
schedule exports are in sessions.exports."""
