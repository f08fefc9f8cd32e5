//! Check digits of the tax ids that carry them. Pure arithmetic on ASCII digits; callers strip punctuation.

fn digits(value: &str, len: usize) -> Option<Vec<u32>> {
    (value.len() == len && value.bytes().all(|b| b.is_ascii_digit()))
        .then(|| value.bytes().map(|b| u32::from(b - b'0')).collect())
}

/// The Australian Business Number check: subtract 1 from the first digit, weight the eleven digits by
/// 10, 1, 3, 5, …, 19, and the sum must divide by 89.
pub fn abn_valid(value: &str) -> bool {
    const WEIGHTS: [u32; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let Some(mut d) = digits(value, 11) else { return false };
    if d[0] == 0 {
        return false;
    }
    d[0] -= 1;
    d.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum::<u32>().is_multiple_of(89)
}

/// Brazil's CPF: two mod-11 check digits over the first nine (weights 10…2) and ten (11…2) digits. Numbers of
/// one repeated digit pass the arithmetic but are not issued.
pub fn cpf_valid(value: &str) -> bool {
    let Some(d) = digits(value, 11) else { return false };
    if d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let check = |n: usize| {
        let sum: u32 = d[..n].iter().enumerate().map(|(i, x)| x * (n as u32 + 1 - i as u32)).sum();
        (sum * 10 % 11) % 10
    };
    check(9) == d[9] && check(10) == d[10]
}

/// Brazil's CNPJ: two mod-11 check digits with the weights 5,4,3,2,9,…,2 and 6,5,4,3,2,9,…,2.
pub fn cnpj_valid(value: &str) -> bool {
    const WEIGHTS: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let Some(d) = digits(value, 14) else { return false };
    if d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let check = |n: usize| {
        let weights = &WEIGHTS[13 - n..];
        let rest = d[..n].iter().zip(weights).map(|(x, w)| x * w).sum::<u32>() % 11;
        if rest < 2 { 0 } else { 11 - rest }
    };
    check(12) == d[12] && check(13) == d[13]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Completes nine digits into a CPF.
    fn cpf_from(body: &str) -> String {
        let d: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
        let check = |d: &[u32]| {
            let n = d.len() as u32;
            let sum: u32 = d.iter().enumerate().map(|(i, x)| x * (n + 1 - i as u32)).sum();
            sum * 10 % 11 % 10
        };
        let mut all = d.clone();
        all.push(check(&all));
        all.push(check(&all));
        all.iter().map(|x| char::from_digit(*x, 10).unwrap()).collect()
    }

    /// Completes twelve digits into a CNPJ.
    fn cnpj_from(body: &str) -> String {
        (0..100).map(|c| format!("{body}{c:02}")).find(|v| cnpj_valid(v)).unwrap_or_default()
    }

    /// Finds the two leading check digits that make nine digits an ABN.
    fn abn_from(body: &str) -> String {
        (10..100).map(|p| format!("{p}{body}")).find(|v| abn_valid(v)).unwrap()
    }

    #[test]
    fn real_published_numbers_pass() {
        assert!(abn_valid("51824753556")); // the ATO's own example ABN
        assert!(abn_valid("53004085616"));
        assert!(cpf_valid("52998224725"));
        assert!(cnpj_valid("11222333000181"));
    }

    #[test]
    fn stripes_documented_examples_have_wrong_check_digits() {
        assert!(!abn_valid("12345678912"));
        assert!(!cpf_valid("12345678987"));
        assert!(!cnpj_valid("01234456543210"));
    }

    #[test]
    fn repeated_digits_and_wrong_lengths_fail() {
        assert!(!cpf_valid("11111111111"));
        assert!(!cnpj_valid("00000000000000"));
        assert!(!abn_valid("5182475355"));
        assert!(!abn_valid("01824753556"));
        assert!(!cpf_valid("5299822472a"));
    }

    proptest! {
        #[test]
        fn generated_cpfs_validate_and_a_changed_check_digit_does_not(body in "[0-9]{9}", delta in 1u32..10) {
            prop_assume!(!body.bytes().all(|b| b == body.as_bytes()[0]));
            let cpf = cpf_from(&body);
            prop_assert!(cpf_valid(&cpf));
            let last = cpf.as_bytes()[10] - b'0';
            let broken = format!("{}{}", &cpf[..10], (u32::from(last) + delta) % 10);
            prop_assert!(!cpf_valid(&broken));
        }

        #[test]
        fn generated_cnpjs_validate_and_a_changed_check_digit_does_not(
            body in "[0-9]{12}",
            position in 12usize..14,
            delta in 1u8..10,
        ) {
            prop_assume!(!body.bytes().all(|b| b == body.as_bytes()[0]));
            let cnpj = cnpj_from(&body);
            prop_assert!(cnpj_valid(&cnpj));
            let mut bytes = cnpj.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            prop_assert!(!cnpj_valid(&String::from_utf8(bytes).unwrap()));
        }

        #[test]
        fn any_nine_digits_complete_into_an_abn_whose_changed_digit_fails(
            body in "[0-9]{9}",
            position in 0usize..11,
            delta in 1u8..10,
        ) {
            let abn = abn_from(&body);
            prop_assert!(abn_valid(&abn));
            let mut bytes = abn.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            // Weights are below 89, a prime, so one changed digit always moves the sum off a multiple of
            // 89, except a first digit turned to 0, which is refused anyway.
            prop_assert!(!abn_valid(&changed));
        }
    }
}
