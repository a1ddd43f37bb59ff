#include "core/time_zone.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>
#include <utility>

namespace juttu::core {
namespace {

constexpr std::int64_t seconds_per_day = 86'400;
// RFC 8536 3.2: offsets outside this range are not interoperable; refusing them keeps the
// arithmetic below far from overflow.
constexpr int min_offset = -89'999;
constexpr int max_offset = 93'599;
// The largest real TZif file is a few kilobytes; anything near this is not one.
constexpr std::uintmax_t max_file_bytes = 1 << 20;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

// Big-endian reader over the file bytes; every take fails cleanly past the end.
class Reader {
public:
    explicit Reader(std::string_view data) : data_(data) {}

    bool has(std::uint64_t n) const { return n <= data_.size() - pos_; }
    bool skip(std::uint64_t n) {
        if (!has(n)) return false;
        pos_ += static_cast<std::size_t>(n);
        return true;
    }
    std::string_view take(std::size_t n) {
        std::string_view out = data_.substr(pos_, n);
        pos_ += out.size();
        return out;
    }
    std::uint64_t unsigned_be(std::size_t bytes) {
        std::uint64_t value = 0;
        for (unsigned char c : take(bytes)) value = (value << 8) | c;
        return value;
    }
    std::int64_t signed_be(std::size_t bytes) {
        std::uint64_t raw = unsigned_be(bytes);
        if (bytes < 8 && (raw >> (bytes * 8 - 1)) != 0) raw -= std::uint64_t{1} << (bytes * 8);
        return static_cast<std::int64_t>(raw);
    }
    std::string_view rest() const { return data_.substr(pos_); }

private:
    std::string_view data_;
    std::size_t pos_ = 0;
};

struct Header {
    char version = 0;
    std::uint64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

    std::uint64_t block_bytes(std::uint64_t time_size) const {
        return timecnt * time_size + timecnt + typecnt * 6 + charcnt + leapcnt * (time_size + 4) +
               isstdcnt + isutcnt;
    }
};

std::optional<Header> read_header(Reader& in) {
    if (!in.has(44) || in.take(4) != "TZif") return std::nullopt;
    Header h;
    h.version = in.take(1)[0];
    in.skip(15);
    h.isutcnt = in.unsigned_be(4);
    h.isstdcnt = in.unsigned_be(4);
    h.leapcnt = in.unsigned_be(4);
    h.timecnt = in.unsigned_be(4);
    h.typecnt = in.unsigned_be(4);
    h.charcnt = in.unsigned_be(4);
    if (h.typecnt == 0 || h.typecnt > 256) return std::nullopt;
    if (h.isutcnt != 0 && h.isutcnt != h.typecnt) return std::nullopt;
    if (h.isstdcnt != 0 && h.isstdcnt != h.typecnt) return std::nullopt;
    return h;
}

// ---- POSIX TZ strings ("EET-2EEST,M3.5.0/3,M10.5.0/4") ----

class TzCursor {
public:
    explicit TzCursor(std::string_view text) : text_(text) {}
    bool done() const { return pos_ == text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    bool eat(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }

    // "EET" (three or more letters) or "<+03>" (quoted: letters, digits, '+', '-').
    bool name() {
        std::size_t start = pos_;
        if (eat('<')) {
            while (!done() && peek() != '>') {
                char c = peek();
                bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '-';
                if (!ok) return false;
                ++pos_;
            }
            return eat('>') && pos_ - start >= 5;
        }
        while ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z')) ++pos_;
        return pos_ - start >= 3;
    }

    std::optional<int> number(int max) {
        int value = 0;
        std::size_t start = pos_;
        while (peek() >= '0' && peek() <= '9') {
            value = value * 10 + (peek() - '0');
            if (value > max) return std::nullopt;
            ++pos_;
        }
        if (pos_ == start) return std::nullopt;
        return value;
    }

    // [+-]hh[:mm[:ss]] in seconds; hours up to max_hours.
    std::optional<int> duration(int max_hours) {
        int sign = 1;
        if (eat('-')) {
            sign = -1;
        } else {
            eat('+');
        }
        auto hours = number(max_hours);
        if (!hours) return std::nullopt;
        int seconds = *hours * 3600;
        if (eat(':')) {
            auto minutes = number(59);
            if (!minutes) return std::nullopt;
            seconds += *minutes * 60;
            if (eat(':')) {
                auto secs = number(59);
                if (!secs) return std::nullopt;
                seconds += *secs;
            }
        }
        return sign * seconds;
    }

    std::optional<TimeZone::Rule::Date> date() {
        using Date = TimeZone::Rule::Date;
        Date d{};
        if (eat('J')) {
            auto n = number(365);
            if (!n || *n < 1) return std::nullopt;
            d.kind = Date::Kind::julian_no_leap;
            d.day = *n;
        } else if (eat('M')) {
            auto m = number(12);
            if (!m || *m < 1 || !eat('.')) return std::nullopt;
            auto w = number(5);
            if (!w || *w < 1 || !eat('.')) return std::nullopt;
            auto wd = number(6);
            if (!wd) return std::nullopt;
            d.kind = Date::Kind::month_week_day;
            d.month = *m;
            d.week = *w;
            d.day = *wd;
        } else {
            auto n = number(365);
            if (!n) return std::nullopt;
            d.kind = Date::Kind::zero_based;
            d.day = *n;
        }
        if (eat('/')) {
            // RFC 8536 extends POSIX to -167..167 hours here.
            auto t = duration(167);
            if (!t) return std::nullopt;
            d.time = *t;
        }
        return d;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// The UTC second at which a rule date happens in year, given the offset in force just before.
std::int64_t rule_instant(const TimeZone::Rule::Date& d, std::int64_t year, int offset_before) {
    using Kind = TimeZone::Rule::Date::Kind;
    std::int64_t days = 0;
    switch (d.kind) {
        case Kind::julian_no_leap:
            // Jn counts 1..365 and never names February 29.
            days = days_from_civil(year, 1, 1) + (d.day - 1) + (is_leap_year(year) && d.day >= 60);
            break;
        case Kind::zero_based:
            days = days_from_civil(year, 1, 1) + d.day;
            break;
        case Kind::month_week_day: {
            std::int64_t first = days_from_civil(year, d.month, 1);
            int first_sunday_based = (weekday_from_days(first) + 1) % 7;  // 0 = Sunday
            int day = 1 + (d.day - first_sunday_based + 7) % 7 + (d.week - 1) * 7;
            while (day > days_in_month(year, d.month)) day -= 7;  // week 5 = the last one
            days = first + day - 1;
            break;
        }
    }
    return days * seconds_per_day + d.time - offset_before;
}

// DST starts and ends of the years around year, sorted; an end sorts before a start at the
// same instant so that all-year DST ("...,0/0,J365/25") stays on.
struct RuleEvent {
    std::int64_t at;
    bool dst_on;
};
std::array<RuleEvent, 8> rule_events(const TimeZone::Rule& rule, std::int64_t first_year) {
    std::array<RuleEvent, 8> events{};
    for (int i = 0; i < 4; ++i) {
        std::int64_t year = first_year + i;
        events[2 * i] = {rule_instant(rule.dst_start, year, rule.std_offset), true};
        events[2 * i + 1] = {rule_instant(rule.dst_end, year, *rule.dst_offset), false};
    }
    std::sort(events.begin(), events.end(), [](const RuleEvent& a, const RuleEvent& b) {
        return a.at != b.at ? a.at < b.at : (!a.dst_on && b.dst_on);
    });
    return events;
}

std::int64_t year_at(std::int64_t seconds) {
    return civil_from_days(floor_div(seconds, seconds_per_day)).year;
}

}  // namespace

// ---- calendar ----

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t yoe = year - era * 400;
    const std::int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146'097 + doe - 719'468;
}

CivilDate civil_from_days(std::int64_t days) {
    days += 719'468;
    const std::int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
    const std::int64_t doe = days - era * 146'097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (month <= 2), month, day};
}

int weekday_from_days(std::int64_t days) {
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    return static_cast<int>(((days + 3) % 7 + 7) % 7);
}

bool is_leap_year(std::int64_t year) {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int days_in_month(std::int64_t year, int month) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && is_leap_year(year) ? 29 : days[static_cast<std::size_t>(month - 1)];
}

bool is_valid_time_zone_name(std::string_view name) {
    if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') {
        return false;
    }
    if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '+' || c == '/' || c == '-';
    });
}

// ---- TimeZone ----

TimeZone TimeZone::utc() {
    TimeZone zone;
    zone.name_ = "UTC";
    zone.types_.push_back(Type{0});
    return zone;
}

Result<TimeZone> TimeZone::load(std::string_view name, const std::filesystem::path& zoneinfo_root) {
    if (!is_valid_time_zone_name(name)) {
        return fail(ErrorCode::validation_failed, "not a time zone name: " + std::string(name));
    }
    if (name == "UTC") return utc();

    const std::filesystem::path path = zoneinfo_root / std::filesystem::path(std::string(name));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return fail(ErrorCode::not_found, "no such time zone: " + std::string(name));
    }
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec || size > max_file_bytes) {
        return fail(ErrorCode::validation_failed, "not a time zone file: " + std::string(name));
    }
    std::ifstream file(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (!file.good() && !file.eof()) {
        return fail(ErrorCode::not_found, "cannot read time zone: " + std::string(name));
    }
    return parse(std::string(name), bytes);
}

Result<TimeZone> TimeZone::parse(std::string name, std::string_view tzif) {
    TimeZone zone;
    zone.name_ = std::move(name);
    auto bad = [&zone](std::string_view why) {
        return fail(ErrorCode::validation_failed,
                    "not a time zone file: " + zone.name_ + " (" + std::string(why) + ")");
    };

    Reader in(tzif);
    auto header = read_header(in);
    if (!header) return bad("header");
    std::uint64_t time_size = 4;
    if (header->version != '\0') {
        // Version 2+: skip the 32-bit data, which a fat file repeats and a slim one leaves empty.
        if (!in.skip(header->block_bytes(4))) return bad("truncated");
        header = read_header(in);
        if (!header) return bad("second header");
        time_size = 8;
    }
    if (!in.has(header->block_bytes(time_size))) return bad("truncated");

    zone.transitions_.reserve(static_cast<std::size_t>(header->timecnt));
    for (std::uint64_t i = 0; i < header->timecnt; ++i) {
        const std::int64_t at = in.signed_be(static_cast<std::size_t>(time_size));
        if (!zone.transitions_.empty() && at <= zone.transitions_.back()) {
            return bad("transitions out of order");
        }
        zone.transitions_.push_back(at);
    }
    for (std::uint64_t i = 0; i < header->timecnt; ++i) {
        const auto type = static_cast<std::uint8_t>(in.unsigned_be(1));
        if (type >= header->typecnt) return bad("transition type");
        zone.transition_types_.push_back(type);
    }
    for (std::uint64_t i = 0; i < header->typecnt; ++i) {
        const std::int64_t offset = in.signed_be(4);
        in.skip(2);  // isdst and the abbreviation index: the offset is all we need
        if (offset < min_offset || offset > max_offset) return bad("offset out of range");
        zone.types_.push_back(Type{static_cast<int>(offset)});
    }
    in.skip(header->charcnt + header->leapcnt * (time_size + 4) + header->isstdcnt +
            header->isutcnt);

    if (time_size == 8) {
        // The footer: "\n<POSIX TZ string>\n". A missing or odd one only costs the future rule.
        std::string_view rest = in.rest();
        if (rest.size() >= 2 && rest.front() == '\n') {
            rest.remove_prefix(1);
            if (auto end = rest.find('\n'); end != std::string_view::npos) {
                zone.rule_ = parse_posix_tz(rest.substr(0, end));
            }
        }
    }
    return zone;
}

std::optional<TimeZone::Rule> TimeZone::parse_posix_tz(std::string_view tz) {
    TzCursor in(tz);
    Rule rule;
    if (!in.name()) return std::nullopt;
    auto std_west = in.duration(24);
    if (!std_west) return std::nullopt;
    rule.std_offset = -*std_west;
    if (in.done()) return rule;

    if (!in.name()) return std::nullopt;
    rule.dst_offset = rule.std_offset + 3600;
    if (in.peek() != ',' && !in.done()) {
        auto dst_west = in.duration(24);
        if (!dst_west) return std::nullopt;
        rule.dst_offset = -*dst_west;
    }
    // Without dates POSIX leaves the rule to the implementation; TZif footers always give them.
    if (!in.eat(',')) return std::nullopt;
    auto start = in.date();
    if (!start || !in.eat(',')) return std::nullopt;
    auto end = in.date();
    if (!end || !in.done()) return std::nullopt;
    rule.dst_start = *start;
    rule.dst_end = *end;
    return rule;
}

int TimeZone::rule_offset_at(std::int64_t seconds) const {
    if (!rule_->dst_offset) return rule_->std_offset;
    bool dst = false;
    // Starting a year early makes sure some event at or before seconds is in the list.
    for (const RuleEvent& event : rule_events(*rule_, year_at(seconds) - 1)) {
        if (event.at > seconds) break;
        dst = event.dst_on;
    }
    return dst ? *rule_->dst_offset : rule_->std_offset;
}

std::optional<std::int64_t> TimeZone::rule_next_after(std::int64_t seconds) const {
    if (!rule_->dst_offset) return std::nullopt;
    for (const RuleEvent& event : rule_events(*rule_, year_at(seconds) - 1)) {
        if (event.at > seconds) return event.at;
    }
    return std::nullopt;
}

int TimeZone::offset_seconds_at(TimeMs utc) const {
    const std::int64_t seconds = floor_div(utc, 1000);
    if (transitions_.empty()) return rule_ ? rule_offset_at(seconds) : types_.front().offset;
    if (seconds < transitions_.front()) return types_.front().offset;
    if (seconds > transitions_.back() && rule_) return rule_offset_at(seconds);
    const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), seconds);
    const auto index = static_cast<std::size_t>(after - transitions_.begin() - 1);
    return types_[transition_types_[index]].offset;
}

LocalDateTime TimeZone::to_local(TimeMs utc) const {
    const std::int64_t local = floor_div(utc, 1000) + offset_seconds_at(utc);
    const std::int64_t days = floor_div(local, seconds_per_day);
    const CivilDate date = civil_from_days(days);
    LocalDateTime out;
    out.year = static_cast<int>(date.year);
    out.month = date.month;
    out.day = date.day;
    out.weekday = weekday_from_days(days);
    out.minute_of_day = static_cast<int>((local - days * seconds_per_day) / 60);
    return out;
}

std::optional<TimeMs> TimeZone::next_transition_after(TimeMs utc) const {
    const std::int64_t seconds = floor_div(utc, 1000);
    std::optional<std::int64_t> next;
    const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), seconds);
    if (after != transitions_.end()) {
        next = *after;
    } else if (rule_) {
        next = rule_next_after(seconds);
    }
    if (!next) return std::nullopt;
    // Far beyond any calendar anyone books; also keeps the multiplication in range.
    if (*next > std::numeric_limits<TimeMs>::max() / 1000) return std::nullopt;
    return *next * 1000;
}

}  // namespace juttu::core
