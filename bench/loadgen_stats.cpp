#include "loadgen_stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace bench {

namespace {
// 2^40 µs is 12 days: enough for any latency a run can see.
constexpr int max_power = 40;
}  // namespace

Histogram::Histogram() : buckets_(static_cast<std::size_t>(max_power + 1) << sub_bits, 0) {}

std::size_t Histogram::index_of(std::uint64_t value) {
    constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits;
    if (value < sub_count) return static_cast<std::size_t>(value);
    const int power = 63 - std::countl_zero(value);  // >= sub_bits
    const int shift = power - sub_bits;
    return (static_cast<std::size_t>(shift + 1) << sub_bits) +
           static_cast<std::size_t>((value >> shift) - sub_count);
}

std::uint64_t Histogram::upper_bound_of(std::size_t index) {
    constexpr std::size_t sub_count = std::size_t{1} << sub_bits;
    if (index < sub_count) return index;
    const auto shift = static_cast<int>(index >> sub_bits) - 1;
    const std::uint64_t mantissa = (index & (sub_count - 1)) + sub_count;
    return ((mantissa + 1) << shift) - 1;
}

void Histogram::record(std::uint64_t micros) {
    auto index = std::min(index_of(micros), buckets_.size() - 1);
    ++buckets_[index];
    ++count_;
    max_ = std::max(max_, micros);
}

void Histogram::merge(const Histogram& other) {
    for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
}

void Histogram::clear() {
    std::fill(buckets_.begin(), buckets_.end(), 0);
    count_ = 0;
    max_ = 0;
}

std::uint64_t Histogram::percentile(double fraction) const {
    if (count_ == 0) return 0;
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::min(upper_bound_of(i), max_);
    }
    return max_;
}

double to_ms(std::uint64_t micros) { return std::round(static_cast<double>(micros)) / 1000.0; }

void put_percentiles(boost::json::object& out, const std::string& prefix, const Histogram& h) {
    out[prefix + "p50_ms"] = to_ms(h.percentile(0.50));
    out[prefix + "p99_ms"] = to_ms(h.percentile(0.99));
    out[prefix + "p999_ms"] = to_ms(h.percentile(0.999));
    out[prefix + "max_ms"] = to_ms(h.max());
}

}  // namespace bench
