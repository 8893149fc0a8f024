//! Text every face writes the same way: numbers as a person writes them.

/// Renders a number the way a person writes it (`6`, `0.3`, `1e-7`).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
