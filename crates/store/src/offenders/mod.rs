//! The law-enforcement compartment's rows: investigations, suspects and their links to
//! victims' cases and signals, suspects handed to the prosecution, and the
//! prosecution's steps (decisions and judgments).
//!
//! The investigation's reference, the suspect's identity and a referral's message are
//! carried as the ciphertext they are stored as, under the compartment's own keys,
//! which only the workflow holds. Nothing here checks who may see what: the workflow
//! asks for the rows of an agency or a suspect it has decided the actor may see.

pub mod investigations;
pub mod referrals;
pub mod steps;
pub mod suspects;
