#include "core/time_zone.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace juttu::core {
namespace {

constexpr TimeMs hour_ms = 3'600'000;

TimeMs utc_ms(int year, int month, int day, int hour, int minute, int second = 0) {
    return ((days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60'000 + second * 1000;
}

// Debian's tzdata package provides /usr/share/zoneinfo (scripts/setup should install it).
TimeZone must_load(std::string_view name) {
    auto zone = TimeZone::load(name);
    EXPECT_TRUE(zone.ok()) << name << ": " << (zone.ok() ? "" : zone.error().message);
    return zone.ok() ? zone.value() : TimeZone::utc();
}

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string be(std::uint64_t value, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xff);
    return out;
}

std::string tzif_header(char version, std::uint32_t timecnt, std::uint32_t typecnt) {
    return "TZif" + std::string(1, version) + std::string(15, '\0') + be(0, 4) + be(0, 4) +
           be(0, 4) + be(timecnt, 4) + be(typecnt, 4) + be(4, 4);
}

// A version 2 TZif file with the given 64-bit transitions (to offsets[types[i]]) and footer.
std::string make_tzif(const std::vector<std::int64_t>& times, const std::vector<int>& types,
                      const std::vector<int>& offsets, const std::string& footer) {
    std::string out = tzif_header('2', 0, 1) + be(0, 4) + std::string(2, '\0') + "XXX" + '\0';
    out += tzif_header('2', static_cast<std::uint32_t>(times.size()),
                       static_cast<std::uint32_t>(offsets.size()));
    for (std::int64_t t : times) out += be(static_cast<std::uint64_t>(t), 8);
    for (int type : types) out += static_cast<char>(type);
    for (int offset : offsets) {
        out += be(static_cast<std::uint32_t>(offset), 4) + std::string(2, '\0');
    }
    out += "XXX";
    out += '\0';
    out += "\n" + footer + "\n";
    return out;
}

std::string footer_of(const std::string& tzif) {
    const auto start = tzif.rfind('\n', tzif.size() - 2);
    return tzif.substr(start + 1, tzif.size() - start - 2);
}

TEST(TimeZoneCalendar, CivilDaysRoundTrip) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11'017);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
    EXPECT_EQ(utc_ms(2026, 3, 29, 1, 0), 1'774'746'000'000);  // cross-checked with Python
    for (std::int64_t days = -800'000; days <= 800'000; days += 13) {
        const CivilDate date = civil_from_days(days);
        ASSERT_EQ(days_from_civil(date.year, date.month, date.day), days);
        ASSERT_GE(date.day, 1);
        ASSERT_LE(date.day, days_in_month(date.year, date.month));
    }
    EXPECT_EQ(weekday_from_days(0), 3);                              // Thursday
    EXPECT_EQ(weekday_from_days(days_from_civil(2026, 3, 30)), 0);   // Monday
    EXPECT_EQ(weekday_from_days(days_from_civil(1969, 12, 28)), 6);  // Sunday
    EXPECT_TRUE(is_leap_year(2000));
    EXPECT_FALSE(is_leap_year(2100));
    EXPECT_EQ(days_in_month(2028, 2), 29);
    EXPECT_EQ(days_in_month(2026, 2), 28);
    EXPECT_EQ(days_in_month(2026, 13), 0);
}

TEST(TimeZoneName, RefusesPathsAndOddCharacters) {
    for (const char* good : {"UTC", "Europe/Helsinki", "America/Port-au-Prince", "Etc/GMT+2",
                             "America/Argentina/Buenos_Aires"}) {
        EXPECT_TRUE(is_valid_time_zone_name(good)) << good;
    }
    for (const char* bad :
         {"", "../etc/passwd", "Europe/../../etc/passwd", "/etc/passwd", "Europe/Helsinki/",
          "Europe//Helsinki", "Europe/Hel sinki", "Europe/Helsinki;", "Europe\\Helsinki",
          "Europe/Helsinki\n", ".", "Europe/./Helsinki"}) {
        EXPECT_FALSE(is_valid_time_zone_name(bad)) << bad;
        auto zone = TimeZone::load(bad);
        ASSERT_FALSE(zone.ok()) << bad;
        EXPECT_EQ(zone.error().code, ErrorCode::validation_failed) << bad;
    }
    EXPECT_FALSE(is_valid_time_zone_name(std::string(256, 'a')));
}

TEST(TimeZoneLoad, MissingZonesAreNotFound) {
    for (const char* missing : {"Nowhere/City", "Europe"}) {  // "Europe" is a directory
        auto zone = TimeZone::load(missing);
        ASSERT_FALSE(zone.ok()) << missing;
        EXPECT_EQ(zone.error().code, ErrorCode::not_found) << missing;
    }
}

TEST(TimeZoneLoad, UtcNeedsNoFile) {
    auto zone = TimeZone::load("UTC", "/nonexistent/zoneinfo");
    ASSERT_TRUE(zone.ok());
    EXPECT_EQ(zone.value().name(), "UTC");
    EXPECT_EQ(zone.value().offset_seconds_at(utc_ms(2026, 7, 1, 0, 0)), 0);
    EXPECT_FALSE(zone.value().next_transition_after(0).has_value());
}

TEST(TimeZoneLoad, RefusesFilesThatAreNotTzif) {
    // A unique directory: the plain and the sanitizer builds may run their tests at once.
    const auto root = std::filesystem::temp_directory_path() /
                      ("juttu_time_zone_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(root / "Fake");
    std::ofstream(root / "Fake" / "Zone") << "this is not a time zone\n";
    auto zone = TimeZone::load("Fake/Zone", root);
    ASSERT_FALSE(zone.ok());
    EXPECT_EQ(zone.error().code, ErrorCode::validation_failed);
    std::filesystem::remove_all(root);
}

TEST(TimeZoneLoad, EveryTruncationOfARealFileFailsCleanly) {
    const std::string bytes = read_bytes("/usr/share/zoneinfo/Europe/Helsinki");
    ASSERT_GT(bytes.size(), 100u);
    // Cut anywhere inside the data (the footer is optional), parsing fails without reading past
    // the end; the sanitizer build checks the "without".
    const auto footer_start = bytes.rfind('\n', bytes.size() - 2);
    for (std::size_t size = 0; size < footer_start; ++size) {
        EXPECT_FALSE(TimeZone::parse("cut", std::string_view(bytes).substr(0, size)).ok()) << size;
    }
    EXPECT_TRUE(TimeZone::parse("whole", bytes).ok());
}

TEST(TimeZoneLoad, RefusesBadTransitionTypesAndOrder) {
    EXPECT_TRUE(TimeZone::parse("ok", make_tzif({0, 10}, {0, 1}, {0, 3600}, "")).ok());
    EXPECT_FALSE(TimeZone::parse("type", make_tzif({0, 10}, {0, 2}, {0, 3600}, "")).ok());
    EXPECT_FALSE(TimeZone::parse("order", make_tzif({10, 0}, {0, 1}, {0, 3600}, "")).ok());
    EXPECT_FALSE(TimeZone::parse("offset", make_tzif({0}, {0}, {100'000}, "")).ok());
}

TEST(TimeZoneUtc, IsZeroEverywhere) {
    const TimeZone zone = TimeZone::utc();
    EXPECT_EQ(zone.offset_seconds_at(0), 0);
    EXPECT_EQ(zone.to_local(0), (LocalDateTime{1970, 1, 1, 3, 0}));
    EXPECT_EQ(zone.to_local(-1), (LocalDateTime{1969, 12, 31, 2, 1439}));
    EXPECT_EQ(zone.to_local(utc_ms(2026, 3, 30, 6, 30, 59)), (LocalDateTime{2026, 3, 30, 0, 390}));
}

TEST(TimeZoneHelsinki, SpringForward2026) {
    const TimeZone zone = must_load("Europe/Helsinki");
    const TimeMs change = utc_ms(2026, 3, 29, 1, 0);  // 03:00 EET -> 04:00 EEST
    EXPECT_EQ(zone.offset_seconds_at(change - 1), 7200);
    EXPECT_EQ(zone.offset_seconds_at(change), 10'800);
    EXPECT_EQ(zone.to_local(change - 1), (LocalDateTime{2026, 3, 29, 6, 2 * 60 + 59}));
    EXPECT_EQ(zone.to_local(change), (LocalDateTime{2026, 3, 29, 6, 4 * 60}));
    EXPECT_EQ(zone.to_local(utc_ms(2026, 3, 30, 6, 30)), (LocalDateTime{2026, 3, 30, 0, 570}));
    EXPECT_EQ(zone.to_local(utc_ms(2026, 3, 27, 6, 30)), (LocalDateTime{2026, 3, 27, 4, 510}));
}

TEST(TimeZoneHelsinki, FallBack2026) {
    const TimeZone zone = must_load("Europe/Helsinki");
    const TimeMs change = utc_ms(2026, 10, 25, 1, 0);  // 04:00 EEST -> 03:00 EET
    EXPECT_EQ(zone.offset_seconds_at(change - 1), 10'800);
    EXPECT_EQ(zone.offset_seconds_at(change), 7200);
    // 03:30 local happens twice.
    EXPECT_EQ(zone.to_local(change - hour_ms / 2).minute_of_day, 3 * 60 + 30);
    EXPECT_EQ(zone.to_local(change + hour_ms / 2).minute_of_day, 3 * 60 + 30);
}

TEST(TimeZoneHelsinki, NextTransition) {
    const TimeZone zone = must_load("Europe/Helsinki");
    EXPECT_EQ(zone.next_transition_after(utc_ms(2026, 1, 1, 0, 0)), utc_ms(2026, 3, 29, 1, 0));
    EXPECT_EQ(zone.next_transition_after(utc_ms(2026, 3, 29, 1, 0)), utc_ms(2026, 10, 25, 1, 0));
    // Past the file's last transition (2037) the footer rule answers.
    EXPECT_EQ(zone.next_transition_after(utc_ms(2040, 1, 1, 0, 0)), utc_ms(2040, 3, 25, 1, 0));
    EXPECT_EQ(zone.next_transition_after(utc_ms(2040, 3, 25, 1, 0)), utc_ms(2040, 10, 28, 1, 0));
}

TEST(TimeZoneHelsinki, FooterRuleBeyond2037) {
    const TimeZone zone = must_load("Europe/Helsinki");
    // Reference instants from Python's zoneinfo.
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2040, 3, 25, 1, 0) - 1), 7200);
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2040, 3, 25, 1, 0)), 10'800);
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2040, 10, 28, 1, 0) - 1), 10'800);
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2040, 10, 28, 1, 0)), 7200);
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2050, 3, 27, 1, 0)), 10'800);
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2050, 10, 30, 1, 0)), 7200);
}

TEST(TimeZoneHelsinki, Version1DataKeepsTheLastOffset) {
    std::string bytes = read_bytes("/usr/share/zoneinfo/Europe/Helsinki");
    ASSERT_GT(bytes.size(), 5u);
    bytes[4] = '\0';  // now a version 1 file: only the 32-bit block is read
    auto parsed = TimeZone::parse("Europe/Helsinki", bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const TimeZone& zone = parsed.value();
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2026, 3, 29, 1, 0) - 1), 7200);
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2026, 3, 29, 1, 0)), 10'800);
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2026, 10, 25, 1, 0)), 7200);
    // No footer: after the last transition (October 2037, to EET) that offset stays.
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2040, 7, 1, 0, 0)), 7200);
    EXPECT_FALSE(zone.next_transition_after(utc_ms(2040, 1, 1, 0, 0)).has_value());
}

TEST(TimeZoneNewYork, Changes2026) {
    const TimeZone zone = must_load("America/New_York");
    const TimeMs spring = utc_ms(2026, 3, 8, 7, 0);   // 02:00 EST -> 03:00 EDT
    const TimeMs autumn = utc_ms(2026, 11, 1, 6, 0);  // 02:00 EDT -> 01:00 EST
    EXPECT_EQ(zone.offset_seconds_at(spring - 1), -5 * 3600);
    EXPECT_EQ(zone.offset_seconds_at(spring), -4 * 3600);
    EXPECT_EQ(zone.offset_seconds_at(autumn - 1), -4 * 3600);
    EXPECT_EQ(zone.offset_seconds_at(autumn), -5 * 3600);
    EXPECT_EQ(zone.to_local(spring), (LocalDateTime{2026, 3, 8, 6, 3 * 60}));
    EXPECT_EQ(zone.to_local(utc_ms(2026, 1, 1, 3, 0)), (LocalDateTime{2025, 12, 31, 2, 22 * 60}));
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2040, 3, 11, 7, 0)), -4 * 3600);
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(2040, 11, 4, 6, 0)), -5 * 3600);
}

// A zone made of nothing but a file's footer must agree with the file's own transitions
// (which Debian's "fat" files list to 2037): the same instants, the same offsets.
TEST(TimeZoneFooter, AgreesWithTheTransitionsOfRealZones) {
    for (const char* name :
         {"Europe/Helsinki", "America/New_York", "Australia/Sydney", "America/Santiago",
          "Pacific/Auckland", "America/Nuuk", "Asia/Jerusalem", "Europe/Dublin",
          "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham"}) {
        const std::string bytes = read_bytes(std::filesystem::path("/usr/share/zoneinfo") / name);
        ASSERT_FALSE(bytes.empty()) << name;
        const std::string footer = footer_of(bytes);
        ASSERT_TRUE(TimeZone::parse_posix_tz(footer).has_value()) << name << ": " << footer;
        auto from_file = TimeZone::parse(name, bytes);
        auto from_footer = TimeZone::parse(name, make_tzif({}, {}, {0}, footer));
        ASSERT_TRUE(from_file.ok() && from_footer.ok()) << name;

        const TimeMs start = utc_ms(2030, 1, 1, 0, 0);
        const TimeMs end = utc_ms(2037, 6, 1, 0, 0);
        for (TimeMs at = start; at < end; at += hour_ms) {
            ASSERT_EQ(from_footer.value().offset_seconds_at(at),
                      from_file.value().offset_seconds_at(at))
                << name << " at " << at;
        }
        std::optional<TimeMs> a = start;
        std::optional<TimeMs> b = start;
        while (a && *a < end) {
            a = from_file.value().next_transition_after(*a);
            b = from_footer.value().next_transition_after(*b);
            ASSERT_EQ(a, b) << name;
        }
    }
}

TEST(TimeZoneFooter, ParsesPosixTzStrings) {
    auto helsinki = TimeZone::parse_posix_tz("EET-2EEST,M3.5.0/3,M10.5.0/4");
    ASSERT_TRUE(helsinki.has_value());
    EXPECT_EQ(helsinki->std_offset, 7200);
    EXPECT_EQ(helsinki->dst_offset, 10'800);
    EXPECT_EQ(helsinki->dst_start.month, 3);
    EXPECT_EQ(helsinki->dst_start.week, 5);
    EXPECT_EQ(helsinki->dst_start.day, 0);
    EXPECT_EQ(helsinki->dst_start.time, 3 * 3600);
    EXPECT_EQ(helsinki->dst_end.time, 4 * 3600);

    auto new_york = TimeZone::parse_posix_tz("EST5EDT,M3.2.0,M11.1.0");
    ASSERT_TRUE(new_york.has_value());
    EXPECT_EQ(new_york->std_offset, -5 * 3600);
    EXPECT_EQ(new_york->dst_offset, -4 * 3600);
    EXPECT_EQ(new_york->dst_start.time, 2 * 3600);  // the default

    auto kathmandu = TimeZone::parse_posix_tz("<+0545>-5:45");
    ASSERT_TRUE(kathmandu.has_value());
    EXPECT_EQ(kathmandu->std_offset, 5 * 3600 + 45 * 60);
    EXPECT_FALSE(kathmandu->dst_offset.has_value());

    auto nuuk = TimeZone::parse_posix_tz("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
    ASSERT_TRUE(nuuk.has_value());
    EXPECT_EQ(nuuk->dst_start.time, -3600);

    for (const char* bad :
         {"", "E", "EET", "EE-2", "EET-2EEST", "EET-2EEST,M3.5.0/3", "EET-2EEST,M13.1.0,M10.5.0",
          "EET-2EEST,M3.6.0,M10.5.0", "EET-2EEST,M3.5.7,M10.5.0", "EET-2EEST,M3.5.0/3,M10.5.0/4x",
          "EET-25", "<+03-3", "EET-2EEST,J0,J100", "EET-2EEST,366,J100",
          "EET-2EEST,M3.5.0/168,M10.5.0"}) {
        EXPECT_FALSE(TimeZone::parse_posix_tz(bad).has_value()) << bad;
    }
}

TEST(TimeZoneFooter, JulianDays) {
    // Jn never counts February 29; n (zero-based) does.
    auto julian =
        TimeZone::parse("julian", make_tzif({}, {}, {0}, "AAA0BBB,J60/0,J300/0"));  // J60 = March 1
    auto zero_based = TimeZone::parse(
        "zero", make_tzif({}, {}, {0}, "AAA0BBB,59/0,300/0"));  // 59 = March 1 or February 29
    ASSERT_TRUE(julian.ok() && zero_based.ok());
    EXPECT_EQ(julian.value().next_transition_after(utc_ms(2028, 1, 1, 0, 0)),
              utc_ms(2028, 3, 1, 0, 0));
    EXPECT_EQ(julian.value().next_transition_after(utc_ms(2027, 1, 1, 0, 0)),
              utc_ms(2027, 3, 1, 0, 0));
    EXPECT_EQ(zero_based.value().next_transition_after(utc_ms(2028, 1, 1, 0, 0)),
              utc_ms(2028, 2, 29, 0, 0));
    EXPECT_EQ(zero_based.value().next_transition_after(utc_ms(2027, 1, 1, 0, 0)),
              utc_ms(2027, 3, 1, 0, 0));
    EXPECT_EQ(julian.value().offset_seconds_at(utc_ms(2028, 6, 1, 0, 0)), 3600);
    EXPECT_EQ(julian.value().offset_seconds_at(utc_ms(2028, 12, 1, 0, 0)), 0);
}

TEST(TimeZoneFooter, AllYearDaylightTimeStaysOn) {
    auto zone = TimeZone::parse("dst", make_tzif({}, {}, {0}, "EST5EDT,0/0,J365/25"));
    ASSERT_TRUE(zone.ok());
    for (int year : {2030, 2031}) {
        EXPECT_EQ(zone.value().offset_seconds_at(utc_ms(year, 1, 1, 5, 0)), -4 * 3600) << year;
        EXPECT_EQ(zone.value().offset_seconds_at(utc_ms(year, 7, 1, 0, 0)), -4 * 3600) << year;
        EXPECT_EQ(zone.value().offset_seconds_at(utc_ms(year, 12, 31, 23, 0)), -4 * 3600) << year;
    }
}

TEST(TimeZoneExtremes, NoOverflowAtTheEndsOfTime) {
    const TimeZone zone = must_load("Europe/Helsinki");
    for (TimeMs at : {std::numeric_limits<TimeMs>::min(), std::numeric_limits<TimeMs>::max(),
                      TimeMs{0}, TimeMs{-1}}) {
        (void)zone.offset_seconds_at(at);
        (void)zone.to_local(at);
        (void)zone.next_transition_after(at);
    }
    EXPECT_FALSE(zone.next_transition_after(std::numeric_limits<TimeMs>::max()).has_value());
    // Before the first transition the first type (local mean time, +1:39:49) applies.
    EXPECT_EQ(zone.offset_seconds_at(utc_ms(1800, 1, 1, 0, 0)), 5989);
}

}  // namespace
}  // namespace juttu::core
