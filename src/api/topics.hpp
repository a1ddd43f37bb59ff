// Bus topic names, in one place so publishers and subscribers agree.
#pragma once

#include <string>

#include "core/types.hpp"

namespace juttu::api::topics {

// Every agent connection of a workspace: its whole inbox.
inline std::string workspace(core::Id id) { return "workspace:" + std::to_string(id); }
// Every connection (tab) of one visitor.
inline std::string contact(core::Id id) { return "contact:" + std::to_string(id); }
// Every visitor connection on a site: whether anyone can chat now.
inline std::string site(core::Id id) { return "site:" + std::to_string(id); }
// The connections opened with one agent session, closed when it is revoked.
inline std::string session(core::Id id) { return "session:" + std::to_string(id); }
// Every connection of an agent, closed when the agent is disabled or removed.
inline std::string agent(core::Id id) { return "agent:" + std::to_string(id); }

}  // namespace juttu::api::topics
