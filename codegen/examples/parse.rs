fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let t = std::time::Instant::now();
        match codegen::model::load(&[(&path, &text)]) {
            Ok((m, w)) => println!("{path}: {:?} warnings {} in {:?}", m.counts(), w.len(), t.elapsed()),
            Err(e) => println!("{path}: {} errors\n{}", e.0.len(), e.to_string().lines().take(12).collect::<Vec<_>>().join("\n")),
        }
    }
}
