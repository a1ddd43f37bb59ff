// Agent authentication: login, bearer sessions, logout, password change, and moving a
// session's person to another of their workspaces.
//
// A session belongs to one membership (core::Agent) of a person's account: everything it
// does is scoped to that membership's workspace. Switching workspace starts a session of
// another membership of the same account; the password is the account's.
//
// Every failed login, whatever failed (no such e-mail, a wrong password, a disabled
// agent, not an e-mail at all), answers the same error after the same argon2 work, so
// neither the answer nor its timing tells which e-mails have accounts. The argon2 work
// passes through a PasswordGate: when too many logins (or password changes) are already
// running or waiting, the call answers `unavailable` at once.
//
// Thread-safe; blocking (argon2 and store writes): call it off the event loops.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "services/auth/password_gate.hpp"
#include "services/auth/session_watch.hpp"
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
    // Computes the stand-in hash for unknown e-mails (one argon2 hash, ~0.1 s).
    AuthService(store::Store& store, EventSink& events, const core::Clock& clock,
                PasswordGate::Limits argon2 = {});

    // In `workspace_id` when the account is an enabled member of it, else in its oldest
    // enabled membership.
    core::Result<LoginResult> login(std::string_view email, std::string_view password,
                                    std::optional<core::Id> workspace_id = std::nullopt);
    core::Result<store::SessionInfo> authenticate(std::string_view token);
    std::optional<core::Workspace> workspace(core::Id id) { return store_.find_workspace(id); }
    void logout(const store::SessionInfo& session);
    // The workspaces the session's person may work in (enabled memberships), oldest first.
    std::vector<store::Membership> workspaces(const store::SessionInfo& session);
    // A new session of the same person in another of their workspaces, ending when this
    // one does (a switch never makes a session last longer); not_found when they are not
    // an enabled member of it, validation_failed for the session's own workspace.
    core::Result<LoginResult> switch_workspace(const store::SessionInfo& session,
                                               core::Id workspace_id);
    core::Result<core::Done> change_password(const store::SessionInfo& session,
                                             std::string_view current_password,
                                             std::string_view new_password);
    // The sessions of this process's open agent connections, checked against the store.
    SessionWatch& sessions() { return sessions_; }

    static constexpr core::TimeMs session_lifetime_ms = 30LL * 24 * 3600 * 1000;

private:
    store::Store& store_;
    EventSink& events_;
    LoginResult start_session(const core::Agent& agent, core::TimeMs expires_at);

    const core::Clock& clock_;
    PasswordGate argon2_;
    SessionWatch sessions_;
    // An argon2id hash of a random password, with the parameters of real ones: unknown
    // e-mails are verified against it, so they cost what a wrong password costs.
    const std::string stand_in_hash_;
};

}  // namespace juttu::services
