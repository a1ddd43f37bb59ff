#include "services/canned/canned_responses.hpp"

#include <algorithm>
#include <cctype>

#include "core/validation.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

// Shortcuts are typed after a slash, so they are short, lower-case words.
bool is_valid_shortcut(std::string_view shortcut) {
    return !shortcut.empty() && shortcut.size() <= CannedResponses::max_shortcut_chars &&
           std::all_of(shortcut.begin(), shortcut.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
           });
}

// Applies the given fields to `response`, validating each; an error changes nothing.
std::optional<core::Error> apply(core::CannedResponse& response, const CannedFields& fields) {
    core::CannedResponse next = response;
    if (fields.shortcut) {
        if (!is_valid_shortcut(*fields.shortcut)) {
            return fail(ErrorCode::validation_failed,
                        "shortcut must be 1-32 characters of a-z 0-9 - _");
        }
        next.shortcut = *fields.shortcut;
    }
    if (fields.title) {
        if (auto problem =
                core::line_problem(*fields.title, CannedResponses::max_title_bytes, true)) {
            return fail(ErrorCode::validation_failed, "title " + *problem);
        }
        next.title = *fields.title;
    }
    if (fields.body) {
        if (auto problem = core::message_body_problem(*fields.body)) {
            return fail(ErrorCode::validation_failed, "body: " + *problem);
        }
        next.body = *fields.body;
    }
    if (fields.team_id) next.team_id = *fields.team_id;
    if (fields.language) {
        if (!fields.language->empty() && !core::is_valid_language_tag(*fields.language)) {
            return fail(ErrorCode::validation_failed,
                        "language must be a language tag like fi or sv-FI, or empty for any");
        }
        next.language = *fields.language;
    }
    response = std::move(next);
    return std::nullopt;
}

core::Error not_found() { return fail(ErrorCode::not_found, "no such canned response"); }
core::Error taken() {
    return fail(ErrorCode::conflict, "this shortcut is already in use in this language");
}

}  // namespace

CannedResponses::CannedResponses(store::Store& store, const core::Clock& clock)
    : store_(store), clock_(clock) {}

bool CannedResponses::offered_to(const core::Agent& reader, const core::CannedResponse& response,
                                 const std::vector<core::Id>& reader_teams) const {
    return reader.role == core::Role::admin || !response.team_id ||
           std::find(reader_teams.begin(), reader_teams.end(), *response.team_id) !=
               reader_teams.end();
}

std::vector<core::Id> CannedResponses::teams_of(const core::Agent& reader) {
    // Session agents carry no team_ids: read them.
    const auto agent = store_.find_agent(reader.workspace_id, reader.id);
    return agent ? agent->team_ids : std::vector<core::Id>{};
}

std::vector<core::CannedResponse> CannedResponses::list(const core::Agent& reader) {
    auto responses = store_.list_canned_responses(reader.workspace_id);
    const auto teams = teams_of(reader);
    std::erase_if(responses, [&](const core::CannedResponse& response) {
        return !offered_to(reader, response, teams);
    });
    return responses;
}

std::optional<core::Error> CannedResponses::check_team(core::Id workspace_id,
                                                       const CannedFields& fields) {
    if (fields.team_id && *fields.team_id && !store_.find_team(workspace_id, **fields.team_id)) {
        return fail(ErrorCode::validation_failed, "team_id is not a team of this workspace");
    }
    return std::nullopt;
}

core::Result<core::CannedResponse> CannedResponses::get(const core::Agent& reader, core::Id id) {
    auto response = store_.find_canned_response(reader.workspace_id, id);
    if (!response || !offered_to(reader, *response, teams_of(reader))) return not_found();
    return *response;
}

core::Result<core::CannedResponse> CannedResponses::create(core::Id workspace_id,
                                                           const CannedFields& fields) {
    if (!fields.shortcut || !fields.body) {
        return fail(ErrorCode::validation_failed, "shortcut and body are required");
    }
    core::CannedResponse response;
    response.workspace_id = workspace_id;
    if (auto error = check_team(workspace_id, fields)) return *error;
    if (auto error = apply(response, fields)) return *error;
    response.created_at = clock_.now_ms();
    auto created = store_.create_canned_response(response);
    if (!created) return taken();
    return *created;
}

core::Result<core::CannedResponse> CannedResponses::update(core::Id workspace_id, core::Id id,
                                                           const CannedFields& fields) {
    auto response = store_.find_canned_response(workspace_id, id);
    if (!response) return not_found();
    if (auto error = check_team(workspace_id, fields)) return *error;
    if (auto error = apply(*response, fields)) return *error;
    if (!store_.update_canned_response(*response)) {
        return store_.find_canned_response(workspace_id, id) ? taken() : not_found();
    }
    return *response;
}

core::Result<core::Done> CannedResponses::remove(core::Id workspace_id, core::Id id) {
    if (!store_.delete_canned_response(workspace_id, id)) return not_found();
    return core::Done{};
}

}  // namespace juttu::services
