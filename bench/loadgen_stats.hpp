// Latency histogram and counters for the load generator.
//
// Histogram: log-linear buckets over microseconds, like HdrHistogram: exact below 128 µs,
// then 128 sub-buckets per power of two, so any recorded value is reported within 0.8 %.
// Percentiles answer the bucket's upper bound (never flattering). Not thread-safe: each
// generator thread records into its own and the coordinator merges them.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

class Histogram {
public:
    Histogram();

    void record(std::uint64_t micros);
    void merge(const Histogram& other);
    void clear();

    std::uint64_t count() const { return count_; }
    std::uint64_t max() const { return max_; }
    // The value (µs) at or below which `fraction` of the samples lie; 0 when empty.
    std::uint64_t percentile(double fraction) const;

private:
    static constexpr int sub_bits = 7;
    static std::size_t index_of(std::uint64_t value);
    static std::uint64_t upper_bound_of(std::size_t index);

    std::vector<std::uint64_t> buckets_;
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

// Milliseconds with microsecond precision, for JSON reports.
double to_ms(std::uint64_t micros);

// {"p50_ms","p99_ms","p999_ms","max_ms"} with `prefix` before each key.
void put_percentiles(boost::json::object& out, const std::string& prefix, const Histogram& h);

}  // namespace bench
