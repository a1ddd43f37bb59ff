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
};

class CannedResponses {
public:
    CannedResponses(store::Store& store, const core::Clock& clock);

    std::vector<core::CannedResponse> list(core::Id workspace_id);
    core::Result<core::CannedResponse> get(core::Id workspace_id, core::Id id);
    core::Result<core::CannedResponse> create(core::Id workspace_id, const CannedFields& fields);
    core::Result<core::CannedResponse> update(core::Id workspace_id, core::Id id,
                                              const CannedFields& fields);
    core::Result<core::Done> remove(core::Id workspace_id, core::Id id);

    static constexpr std::size_t max_shortcut_chars = 32;
    static constexpr std::size_t max_title_bytes = 200;

private:
    store::Store& store_;
    const core::Clock& clock_;
};

}  // namespace juttu::services
