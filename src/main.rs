fn main() {
    std::process::exit(gzhlint::cli::run());
}
