//! Background workers, run inside each test over its own queue.
mod mail;
mod smtp;
