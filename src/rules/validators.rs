//! Number checks that turn a digit pattern into a real finding: a resident ID whose check digit
//! is right, a mainland mobile number, a bank card number that passes Luhn.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validator {
    /// 18-character resident ID (GB 11643): plausible birth date and ISO 7064 MOD 11-2 check.
    ResidentId,
    /// Mainland mobile number: 11 digits, 1[3-9]….
    Mobile,
    /// 13–19 digit card number passing the Luhn check.
    BankCard,
}

impl Validator {
    pub fn name(self) -> &'static str {
        match self {
            Validator::ResidentId => "resident_id",
            Validator::Mobile => "mobile",
            Validator::BankCard => "bank_card",
        }
    }

    /// Checks the digits (and a final X for IDs) of `matched`; separators are ignored.
    pub fn accepts(self, matched: &str) -> bool {
        let digits: Vec<u8> = matched
            .bytes()
            .filter(|b| b.is_ascii_digit() || *b == b'x' || *b == b'X')
            .collect();
        match self {
            Validator::ResidentId => resident_id(&digits),
            Validator::Mobile => {
                // +86 / 0086 country prefix
                let digits = match digits.len() {
                    13 if digits.starts_with(b"86") => &digits[2..],
                    15 if digits.starts_with(b"0086") => &digits[4..],
                    _ => &digits[..],
                };
                digits.len() == 11
                    && digits[0] == b'1'
                    && (b'3'..=b'9').contains(&digits[1])
                    && digits.iter().all(u8::is_ascii_digit)
            }
            Validator::BankCard => {
                (13..=19).contains(&digits.len())
                    && digits.iter().all(u8::is_ascii_digit)
                    && luhn(&digits)
            }
        }
    }
}

fn resident_id(id: &[u8]) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    if id.len() != 18 || !id[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        id[range]
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
    };
    let (year, month, day) = (number(6..10), number(10..12), number(12..14));
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let sum: u32 = id[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] == id[17].to_ascii_uppercase()
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_id_check_digit() {
        assert!(Validator::ResidentId.accepts("11010519491231002X"));
        assert!(!Validator::ResidentId.accepts("110105194912310029"));
        assert!(
            !Validator::ResidentId.accepts("110105194913310025"),
            "month 13"
        );
    }

    #[test]
    fn mobile_numbers() {
        assert!(Validator::Mobile.accepts("13812345678"));
        assert!(Validator::Mobile.accepts("138-1234-5678"));
        assert!(!Validator::Mobile.accepts("12812345678"));
        assert!(Validator::Mobile.accepts("+86 138 1234 5678"));
        assert!(!Validator::Mobile.accepts("8712812345678"));
        assert!(!Validator::Mobile.accepts("4008123456"));
    }

    #[test]
    fn luhn_cards() {
        assert!(Validator::BankCard.accepts("4111 1111 1111 1111"));
        assert!(!Validator::BankCard.accepts("4111 1111 1111 1112"));
        assert!(!Validator::BankCard.accepts("1234"));
    }
}
