//! wc.rs: count the lines, words and bytes of the standard input.
use std::io::{self, BufRead, Read};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub lines: usize,
    pub words: usize,
    pub bytes: usize,
}

impl Counts {
    pub fn of<R: Read>(input: R) -> io::Result<Counts> {
        let mut c = Counts::default();
        let mut reader = io::BufReader::new(input);
        let mut line = Vec::with_capacity(4096);
        while reader.read_until(b'\n', &mut line)? > 0 {
            c.bytes += line.len();
            c.lines += usize::from(line.last() == Some(&b'\n'));
            c.words += line
                .split(|b| b.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .count();
            line.clear();
        }
        Ok(c)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let c = Counts::of(io::stdin().lock())?;
    println!("{:>8} {:>8} {:>8}", c.lines, c.words, c.bytes);
    Ok(())
}
