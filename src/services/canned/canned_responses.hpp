// Canned responses: a workspace's saved replies, inserted in the reply box with their
// /shortcut. Thread-safe; blocking (store writes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace juttu::services {

struct CannedFields {
    std::optional<std::string> shortcut;
    std::optional<std::string> title;
    std::optional<std::string> body;
    std::optional<std::optional<core::Id>> team_id;  // given as null: the whole workspace
    std::optional<std::string> language;             // "" for any language
};

class CannedResponses {
public:
    CannedResponses(store::Store& store, const core::Clock& clock);

    // The workspace's own and those of the reader's teams; admins see every one.
    std::vector<core::CannedResponse> list(const core::Agent& reader);
    // A team's reply is not found for agents outside the team (admins see every one).
    core::Result<core::CannedResponse> get(const core::Agent& reader, core::Id id);
    core::Result<core::CannedResponse> create(core::Id workspace_id, const CannedFields& fields);
    core::Result<core::CannedResponse> update(core::Id workspace_id, core::Id id,
                                              const CannedFields& fields);
    core::Result<core::Done> remove(core::Id workspace_id, core::Id id);

    static constexpr std::size_t max_shortcut_chars = 32;
    static constexpr std::size_t max_title_bytes = 200;

private:
    // Whether the reader is offered the response: the workspace's own, or its team's.
    bool offered_to(const core::Agent& reader, const core::CannedResponse& response,
                    const std::vector<core::Id>& reader_teams) const;
    std::vector<core::Id> teams_of(const core::Agent& reader);
    std::optional<core::Error> check_team(core::Id workspace_id, const CannedFields& fields);

    store::Store& store_;
    const core::Clock& clock_;
};

}  // namespace juttu::services
