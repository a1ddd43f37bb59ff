#include "bench_util.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <thread>

namespace bench {

void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& fn) {
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::exception_ptr failure;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < std::max(1U, threads); ++t) {
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < count; i = next++) {
                try {
                    fn(i);
                } catch (...) {
                    std::lock_guard lock(mutex);
                    if (!failure) failure = std::current_exception();
                    next = count;
                }
            }
        });
    }
    for (auto& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);
}

std::int64_t epoch_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

double percentile(std::vector<double>& samples, double fraction) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    const auto rank =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(samples.size())));
    return samples[std::min(samples.size() - 1, rank == 0 ? 0 : rank - 1)];
}

BenchLine& BenchLine::add(const std::string& key, const std::string& value) {
    out_ << (first_ ? "{" : ",") << '"' << key << "\":\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out_ << '\\';
        out_ << (static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
    }
    out_ << '"';
    first_ = false;
    return *this;
}

BenchLine& BenchLine::add(const std::string& key, double value) {
    out_ << (first_ ? "{" : ",") << '"' << key << "\":";
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        out_ << static_cast<long long>(value);
    } else {
        out_ << std::setprecision(6) << value;
    }
    first_ = false;
    return *this;
}

void BenchLine::print() const {
    std::ifstream loadavg("/proc/loadavg");
    double one_minute = -1;
    loadavg >> one_minute;
    std::cout << "BENCH " << out_.str() << ",\"loadavg_1m\":" << one_minute << "}" << std::endl;
}

}  // namespace bench
