// Agent authentication: login, bearer sessions, logout and password change.
// Thread-safe; blocking (argon2 and store writes): call it off the event loops.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "services/events.hpp"
#include "store/store.hpp"

namespace juttu::services {

struct LoginResult {
    std::string token;
    core::TimeMs expires_at = 0;
    core::Agent agent;
};

class AuthService {
public:
    AuthService(store::Store& store, EventSink& events, const core::Clock& clock);

    core::Result<LoginResult> login(std::string_view email, std::string_view password);
    core::Result<store::SessionInfo> authenticate(std::string_view token);
    std::optional<core::Workspace> workspace(core::Id id) { return store_.find_workspace(id); }
    void logout(const store::SessionInfo& session);
    core::Result<core::Done> change_password(const store::SessionInfo& session,
                                             std::string_view current_password,
                                             std::string_view new_password);

    static constexpr core::TimeMs session_lifetime_ms = 30LL * 24 * 3600 * 1000;

private:
    store::Store& store_;
    EventSink& events_;
    const core::Clock& clock_;
};

}  // namespace juttu::services
