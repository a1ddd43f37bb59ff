// Small helpers shared by juttu_store_bench and juttu_bench_seed (no Boost needed).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

// Runs fn(i) for every i in [0, count) on `threads` threads; rethrows the first failure.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& fn);

// Milliseconds since the Unix epoch (the store's clock).
std::int64_t epoch_ms();

class Stopwatch {
public:
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// The value at `fraction` of the sorted samples (sorts them); 0 when empty.
double percentile(std::vector<double>& samples, double fraction);

// Builds one flat JSON object of numbers and strings, printed as a `BENCH ` line.
class BenchLine {
public:
    explicit BenchLine(const std::string& scenario) { add("scenario", scenario); }
    BenchLine& add(const std::string& key, const std::string& value);
    BenchLine& add(const std::string& key, double value);
    void print() const;

private:
    std::ostringstream out_;
    bool first_ = true;
};

}  // namespace bench
