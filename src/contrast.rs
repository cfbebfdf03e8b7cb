//! WCAG 2 contrast between two sRGB colours, for checking the theme's text
//! against its surfaces (body text needs 4.5:1 for level AA).

/// Relative luminance of an sRGB colour (WCAG 2.x definition).
pub fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// The contrast ratio, from 1 (the same colour) to 21 (black on white).
pub fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// Level AA for normal-size text.
pub const AA_TEXT: f64 = 4.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn black_on_white_is_21_and_a_colour_on_itself_is_1() {
        assert!((ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert!((ratio([120, 40, 200], [120, 40, 200]) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn known_pairs_match_published_ratios() {
        // #767676 on white is the lightest grey that passes AA (4.54:1).
        let r = ratio([0x76, 0x76, 0x76], [255, 255, 255]);
        assert!((r - 4.54).abs() < 0.01, "{r}");
        assert!(ratio([0x77, 0x77, 0x77], [255, 255, 255]) < AA_TEXT);
        // The order of the two colours does not matter.
        assert_eq!(
            ratio([10, 20, 30], [200, 210, 220]),
            ratio([200, 210, 220], [10, 20, 30])
        );
    }
}
