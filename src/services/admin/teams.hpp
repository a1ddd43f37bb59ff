// Teams (departments) of a workspace and who belongs to them. Admins change them; every
// agent reads them. Thread-safe; blocking.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "services/events.hpp"
#include "store/store.hpp"

namespace juttu::services {

struct TeamFields {
    std::optional<std::string> name;
    std::optional<std::vector<core::Id>> agent_ids;  // replaces the members
};

class Teams {
public:
    Teams(store::Store& store, EventSink& events, const core::Clock& clock);

    std::vector<core::Team> list(core::Id workspace_id);
    core::Result<core::Team> get(core::Id workspace_id, core::Id team_id);
    core::Result<core::Team> create(core::Id workspace_id, const TeamFields& fields);
    core::Result<core::Team> update(core::Id workspace_id, core::Id team_id,
                                    const TeamFields& fields);
    core::Result<core::Done> remove(core::Id workspace_id, core::Id team_id);

    static constexpr std::size_t max_members = 1000;

private:
    std::optional<core::Error> apply(core::Team& team, const TeamFields& fields);
    // Routing reads memberships: tell it about every agent whose teams changed.
    void announce_members(core::Id workspace_id, std::vector<core::Id> agent_ids);

    store::Store& store_;
    EventSink& events_;
    const core::Clock& clock_;
};

}  // namespace juttu::services
