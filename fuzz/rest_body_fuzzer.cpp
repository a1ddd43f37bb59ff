// The REST API's JSON bodies: one request body, parsed as RestApi::handle parses it
// (parse_object), then read as each handler of rest_handlers.cpp and
// rest_routing_handlers.cpp reads its body (sites with their opening hours and pre-chat
// form, agents, canned responses, teams, login, passwords, assignment, notes, transfers)
// and checked by the rules the services apply. Opening hours that pass
// business_hours_problem must also survive being stored as text, and next_opening must
// answer an instant at which is_open holds. The body itself is also read as bare hours
// and a bare pre-chat form, so that seeds can be either.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json_codec.hpp"
#include "api/site_codec.hpp"
#include "core/business_hours.hpp"
#include "core/business_hours_text.hpp"
#include "core/time_zone.hpp"
#include "core/types.hpp"
#include "core/validation.hpp"
#include "fuzz_check.hpp"

namespace {

using juttu::api::FieldReader;
namespace api = juttu::api;
namespace core = juttu::core;
namespace json = boost::json;

// An error goes back in a JSON body: it must be valid UTF-8.
void check_error(const std::string& error) {
    FUZZ_CHECK(!error.empty());
    FUZZ_CHECK(core::is_valid_utf8(error));
}

void check_reader(const FieldReader& in) {
    if (!in.ok()) check_error(in.error());
}

void check_problem(const std::optional<std::string>& problem) {
    if (problem) check_error(*problem);
}

bool same_intervals(const std::vector<core::OpeningInterval>& a,
                    const std::vector<core::OpeningInterval>& b) {
    return a == b;
}

// Instants to ask about: a few fixed ones, and the body's "at" (years 1970..9999).
std::vector<core::TimeMs> instants(const json::object& body) {
    std::vector<core::TimeMs> out{0, 1'764'080'000'000, 1'774'746'000'000, 1'792'890'000'000};
    FieldReader in(body);
    if (auto at = in.integer("at", false, 0, 253'402'300'799'999)) out.push_back(*at);
    return out;
}

void check_hours(const json::object& object, const json::object& body) {
    std::string error;
    auto hours = api::read_hours(object, error);
    if (!hours) return check_error(error);
    if (auto problem = core::business_hours_problem(*hours)) return check_error(*problem);
    // Hours are stored as one line of text (business_hours_text.hpp): nothing is lost.
    auto decoded = core::decode_schedule(core::encode_schedule(*hours));
    FUZZ_CHECK(decoded);
    for (std::size_t day = 0; day < 7; ++day) {
        FUZZ_CHECK(same_intervals(decoded->weekly[day], hours->weekly[day]));
    }
    FUZZ_CHECK(decoded->exceptions.size() == hours->exceptions.size());
    for (std::size_t i = 0; i < hours->exceptions.size(); ++i) {
        const auto& a = decoded->exceptions[i];
        const auto& b = hours->exceptions[i];
        FUZZ_CHECK(a.year == b.year && a.month == b.month && a.day == b.day);
        FUZZ_CHECK(same_intervals(a.intervals, b.intervals));
    }
    // The admin service loads the zone (a name that passed the check above, from tzdata).
    auto zone = core::TimeZone::load(hours->time_zone);
    if (!zone.ok()) return;
    for (core::TimeMs at : instants(body)) {
        const bool open = core::is_open(*hours, zone.value(), at);
        const auto next = core::next_opening(*hours, zone.value(), at);
        if (open) FUZZ_CHECK(next == at);
        if (next) {
            FUZZ_CHECK(*next >= at);
            FUZZ_CHECK(core::is_open(*hours, zone.value(), *next));
        }
    }
}

void check_prechat(const json::object& object) {
    std::string error;
    auto form = api::read_prechat(object, error);
    if (!form) return check_error(error);
    // The answer is kept as a contact attribute named by the question (admin service).
    if (core::is_valid_utf8(form->question)) core::utf8_length(form->question);
}

void check_origins(const std::vector<std::string>& origins) {
    for (const auto& origin : origins) {
        auto normalized = core::normalize_origin(origin);
        if (!normalized) {
            // The admin service quotes 100 characters of a refused origin.
            FUZZ_CHECK(core::is_valid_utf8(core::utf8_prefix(origin, 100)));
            continue;
        }
        // Stored lower-case, without a trailing slash or default port: a fixed point.
        FUZZ_CHECK(core::normalize_origin(*normalized) == normalized);
        FUZZ_CHECK(std::none_of(normalized->begin(), normalized->end(),
                                [](char c) { return c >= 'A' && c <= 'Z'; }));
    }
}

void site_body(const json::object& body, bool creating) {
    FieldReader in(body);
    auto name = in.line("name", creating, 1000);
    auto origins = in.texts("allowed_origins", false, 100);
    in.text("greeting", false, 10'000);
    auto color = in.line("color", false, 100);
    auto routing = in.line("routing", false, 20);
    const auto* hours = in.object("hours", false);
    const auto* prechat = in.object("prechat", false);
    check_reader(in);
    if (!in.ok()) return;
    if (origins) {
        FUZZ_CHECK(origins->size() <= 100);
        check_origins(*origins);
    }
    if (name) check_problem(core::line_problem(*name, core::limits::name_bytes));
    if (color) core::is_valid_color(*color);
    if (routing) {
        if (auto mode = core::parse_routing_mode(*routing)) {
            FUZZ_CHECK(core::to_string(*mode) == *routing);
        }
    }
    if (hours) check_hours(*hours, body);
    if (prechat) check_prechat(*prechat);
}

void agent_body(const json::object& body, bool creating) {
    FieldReader in(body);
    auto email = in.line("email", creating, 1000);
    in.line("name", creating, 1000);
    auto password = in.text("password", creating, 1000);
    auto role = in.line("role", false, 20);
    in.boolean("disabled", false);
    if (auto capacity = in.integer("capacity", false, 1, 100)) {
        FUZZ_CHECK(*capacity >= 1 && *capacity <= 100);
    }
    auto languages = in.texts("languages", false, 10);
    check_reader(in);
    if (!in.ok()) return;
    if (email) {
        if (auto normalized = core::normalize_email(*email)) {
            FUZZ_CHECK(core::normalize_email(*normalized) == normalized);
        }
    }
    if (password) core::password_problem(*password);
    if (role) {
        if (auto parsed = core::parse_role(*role)) FUZZ_CHECK(core::to_string(*parsed) == *role);
    }
    if (languages) {
        FUZZ_CHECK(languages->size() <= 10);
        for (const auto& tag : *languages) {
            // The admin service quotes 40 characters of a refused tag.
            if (!core::is_valid_language_tag(tag)) {
                FUZZ_CHECK(core::is_valid_utf8(core::utf8_prefix(tag, 40)));
            }
        }
    }
}

void canned_body(const json::object& body, bool creating) {
    FieldReader in(body);
    in.line("shortcut", creating, 1000);
    auto title = in.line("title", false, 1000);
    auto text = in.text("body", creating, 100'000);
    auto team_id = in.nullable_integer("team_id", false);
    check_reader(in);
    if (team_id && *team_id) FUZZ_CHECK(**team_id >= 1);
    if (title) check_problem(core::line_problem(*title, 200, true));
    if (text) core::message_body_problem(*text);
}

void team_body(const json::object& body, bool creating) {
    FieldReader in(body);
    in.line("name", creating, 1000);
    auto agent_ids = in.integers("agent_ids", false, 1000);
    check_reader(in);
    if (agent_ids) {
        FUZZ_CHECK(agent_ids->size() <= 1000);
        for (auto id : *agent_ids) FUZZ_CHECK(id >= 1);
    }
}

void small_bodies(const json::object& body) {
    {  // POST /auth/login
        FieldReader in(body);
        in.line("email", true, 1000);
        in.text("password", true, 1000);
        check_reader(in);
    }
    {  // POST /me/password
        FieldReader in(body);
        in.text("current_password", true, 1000);
        if (auto next = in.text("new_password", true, 1000)) core::password_problem(*next);
        check_reader(in);
    }
    {  // POST /conversations/{id}/assign
        FieldReader in(body);
        auto agent_id = in.nullable_integer("agent_id", true);
        if (agent_id && *agent_id) FUZZ_CHECK(**agent_id >= 1);
        check_reader(in);
    }
    {  // POST /conversations/{id}/notes
        FieldReader in(body);
        if (auto text = in.text("body", true, 100'000)) core::message_body_problem(*text);
        check_reader(in);
    }
    {  // POST /conversations/{id}/transfer
        FieldReader in(body);
        in.integer("agent_id", false, 1);
        in.integer("team_id", false, 1);
        in.text("note", false, 100'000);
        check_reader(in);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Bodies are at most 64 KiB (docs/api.md); larger ones never reach the handlers.
    if (size > 64 * 1024) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto body = api::parse_object(text);
    if (!body) return 0;
    for (bool creating : {true, false}) {
        site_body(*body, creating);
        agent_body(*body, creating);
        canned_body(*body, creating);
        team_body(*body, creating);
    }
    small_bodies(*body);
    check_hours(*body, *body);
    check_prechat(*body);
    return 0;
}
