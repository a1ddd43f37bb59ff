#include "services/identity/visitor_identity.hpp"

#include "core/validation.hpp"

namespace juttu::services::identity {

core::Result<VerifiedIdentity> check_for_site(const core::Site& site, const IdentityClaim& claim,
                                              core::TimeMs now) {
    std::vector<std::string> secrets;
    for (const auto& secret : site.identity_secrets) secrets.push_back(secret.secret);
    auto verified = verify(claim, secrets, now);
    if (!verified.ok()) return verified;
    auto identity = std::move(verified.value());
    if (identity.name && core::line_problem(*identity.name, core::limits::name_bytes, true)) {
        return core::fail(core::ErrorCode::bad_identity,
                          "the identity was refused: its name must be at most 200 bytes on "
                          "one line");
    }
    if (identity.email && !identity.email->empty()) {
        auto normalized = core::normalize_email(*identity.email);
        if (!normalized) {
            return core::fail(core::ErrorCode::bad_identity,
                              "the identity was refused: its email is not a valid address");
        }
        identity.email = std::move(*normalized);
    }
    return identity;
}

bool apply_claims(core::Contact& contact, const VerifiedIdentity& identity) {
    bool changed = false;
    if (identity.name && *identity.name != contact.name) {
        contact.name = *identity.name;
        changed = true;
    }
    if (identity.email && *identity.email != contact.email) {
        contact.email = *identity.email;
        changed = true;
    }
    return changed;
}

}  // namespace juttu::services::identity
