//! Mailers (the welcome and assignment e-mails arrive with the background jobs issue).
