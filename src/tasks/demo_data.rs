//! Invented, deterministic demo records for `seed_demo`: request bodies in
//! the API's shape, so that the models validate them and derive their
//! columns exactly as for a client's. Every name and address is made up.
use serde_json::{json, Value};

use crate::domain::Specialization;

/// The demo accounts: one staff member, then the clinicians who own the
/// patients, each with their share of them (in parts of 10).
pub const STAFF: (&str, &str) = ("Demo Staff", "demo.staff@example.com");
pub const CLINICIANS: [(&str, &str, u32); 3] = [
    ("Dr. Alice Demo", "alice.demo@example.com", 5),
    ("Dr. Bruno Demo", "bruno.demo@example.com", 3),
    ("Dr. Chioma Demo", "chioma.demo@example.com", 2),
];

const FIRST_NAMES: [&str; 32] = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Maria",
    "José",
    "Zoë",
    "Wei",
    "Mei",
    "Amit",
    "Priya",
    "Kwame",
    "Ama",
    "Olga",
    "Ivan",
    "Fatima",
    "Omar",
];
const LAST_NAMES: [&str; 28] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Nguyen",
    "Chen",
    "Patel",
    "Okafor",
    "Mensah",
    "Kowalski",
    "Müller",
    "O'Brien",
];
const PLACES: [(&str, &str); 10] = [
    ("Chicago", "IL"),
    ("San Francisco", "CA"),
    ("Austin", "TX"),
    ("Boston", "MA"),
    ("Seattle", "WA"),
    ("Denver", "CO"),
    ("Atlanta", "GA"),
    ("Miami", "FL"),
    ("Portland", "OR"),
    ("New York", "NY"),
];
const STREETS: [&str; 6] = [
    "Main St", "Oak Ave", "Maple Rd", "Cedar Ln", "Pine St", "Elm Dr",
];
const ALLERGIES: [&str; 6] = ["", "", "Penicillin", "Peanuts", "Latex", "Sulfa drugs"];
const HISTORY: [&str; 6] = [
    "",
    "Hypertension",
    "Type 2 diabetes",
    "Asthma since childhood",
    "Appendectomy 2015",
    "Seasonal migraines",
];
const MEDICATIONS: [&str; 5] = [
    "",
    "Lisinopril 10mg",
    "Metformin 500mg",
    "Albuterol",
    "None",
];
const GENDERS: [&str; 6] = ["F", "M", "F", "M", "O", "N"];
const BLOOD_GROUPS: [&str; 9] = ["O+", "A+", "B+", "O-", "A-", "AB+", "B-", "AB-", ""];
const HOSPITALS: [&str; 5] = [
    "City Medical Center",
    "St. Mary's Hospital",
    "Riverside Clinic",
    "University Hospital",
    "Lakeside Health",
];
const QUALIFICATIONS: [&str; 4] = ["MD", "MD, PhD", "MBBS", "DO"];
pub const NOTES: [&str; 4] = [
    "",
    "Referred for evaluation",
    "Follow-up in three months",
    "Second opinion",
];

/// A small deterministic generator (xorshift64*): the same data every run.
pub struct Rng(u64);

impl Rng {
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The ASCII letters of a name, lower-cased, for an e-mail address.
fn slug(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn phone(rng: &mut Rng) -> String {
    format!("555-{:04}", rng.below(10_000))
}

/// The `n`th demo patient, as a `POST /api/patients/` body.
pub fn patient(rng: &mut Rng, n: usize) -> Value {
    let first = rng.pick(&FIRST_NAMES);
    let last = rng.pick(&LAST_NAMES);
    let (city, state) = PLACES[rng.below(PLACES.len())];
    let born = format!(
        "{}-{:02}-{:02}",
        1935 + rng.below(88),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    json!({
        "first_name": first,
        "last_name": last,
        "email": format!("{}.{}.{n}@example.net", slug(first), slug(last)),
        "phone": phone(rng),
        "date_of_birth": born,
        "gender": rng.pick(&GENDERS),
        "blood_group": rng.pick(&BLOOD_GROUPS),
        "allergies": rng.pick(&ALLERGIES),
        "medical_history": rng.pick(&HISTORY),
        "current_medications": rng.pick(&MEDICATIONS),
        "emergency_contact_name": format!("{} {last}", rng.pick(&FIRST_NAMES)),
        "emergency_contact_phone": phone(rng),
        "address": format!("{} {}", 1 + rng.below(9_000), rng.pick(&STREETS)),
        "city": city,
        "state": state,
        "country": "USA",
    })
}

/// The `n`th demo doctor, as a `POST /api/doctors/` body.
pub fn doctor(rng: &mut Rng, n: usize) -> Value {
    let first = rng.pick(&FIRST_NAMES);
    let last = rng.pick(&LAST_NAMES);
    let (city, state) = PLACES[rng.below(PLACES.len())];
    json!({
        "first_name": first,
        "last_name": last,
        "email": format!("dr.{}.{}.{n}@demo-hospital.example", slug(first), slug(last)),
        "phone": phone(rng),
        "specialization": Specialization::VALUES[n % Specialization::VALUES.len()],
        "license_number": format!("DEMO-LIC-{n:05}"),
        "years_of_experience": 1 + rng.below(40),
        "qualification": rng.pick(&QUALIFICATIONS),
        "bio": "Demo profile.",
        "consultation_fee": format!("{}.00", 50 + 10 * rng.below(30)),
        "is_available": rng.below(10) < 8,
        "hospital_name": rng.pick(&HOSPITALS),
        "city": city,
        "state": state,
        "country": "USA",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_is_the_same_every_run() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(patient(&mut a, 1), patient(&mut b, 1));
        assert_eq!(doctor(&mut a, 2), doctor(&mut b, 2));
    }

    #[test]
    fn addresses_are_ascii() {
        assert_eq!(slug("Zoë"), "zo");
        assert_eq!(slug("O'Brien"), "obrien");
    }
}
