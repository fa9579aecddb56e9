//! Background workers (mail delivery arrives with the background jobs issue).
