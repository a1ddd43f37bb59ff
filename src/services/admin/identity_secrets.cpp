// A site's identity secrets (docs/identity.md): what the shop's backend signs its
// customers with. Two slots, so that a new secret is in use before the old one retires.
#include "services/admin/admin_service.hpp"
#include "services/auth/crypto.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

constexpr std::size_t secret_bytes = 32;

}  // namespace

core::Result<core::IdentitySecret> AdminService::add_identity_secret(core::Id workspace_id,
                                                                     core::Id site_id) {
    if (!store_.find_site(workspace_id, site_id)) return fail(ErrorCode::not_found, "no such site");
    auto made = store_.add_identity_secret(workspace_id, site_id, random_token("", secret_bytes),
                                           clock_.now_ms());
    if (!made) {
        return fail(ErrorCode::conflict,
                    "the site has two identity secrets: retire one before creating another");
    }
    return *made;
}

core::Result<std::vector<core::IdentitySecret>> AdminService::identity_secrets(
    core::Id workspace_id, core::Id site_id) {
    auto site = store_.find_site(workspace_id, site_id);
    if (!site) return fail(ErrorCode::not_found, "no such site");
    return site->identity_secrets;
}

core::Result<core::Done> AdminService::remove_identity_secret(core::Id workspace_id,
                                                              core::Id site_id, core::Id n) {
    auto site = store_.find_site(workspace_id, site_id);
    if (!site) return fail(ErrorCode::not_found, "no such site");
    if (site->require_verified_identity && site->identity_secrets.size() == 1 &&
        site->identity_secrets.front().n == n) {
        return fail(ErrorCode::conflict,
                    "the site requires verified identity: its last secret cannot be retired");
    }
    if (n < 1 || n > 2 ||
        !store_.remove_identity_secret(workspace_id, site_id, static_cast<int>(n))) {
        return fail(ErrorCode::not_found, "no such identity secret");
    }
    return core::Done{};
}

}  // namespace juttu::services
