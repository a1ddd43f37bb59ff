#include "app/bootstrap.hpp"

#include <cstdlib>
#include <stdexcept>

#include "services/auth/crypto.hpp"

namespace juttu::app {

namespace {

template <class T>
T or_throw(core::Result<T> result, const std::string& what) {
    if (!result.ok()) throw std::runtime_error(what + ": " + result.error().message);
    return std::move(result.value());
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

}  // namespace

BootstrapResult bootstrap_demo(services::AdminService& admin,
                               const std::vector<std::string>& origins) {
    BootstrapResult result;
    result.admin_email = env_or("JUTTU_BOOTSTRAP_ADMIN_EMAIL", "admin@example.com");
    auto password = env_or("JUTTU_BOOTSTRAP_ADMIN_PASSWORD", "");
    if (password.empty()) {
        password = services::random_token("", 12);
        result.generated_password = password;
    }
    const auto workspace = or_throw(admin.create_workspace("Demo"), "cannot create workspace");
    services::SiteFields site;
    site.name = "Demo shop";
    site.allowed_origins = origins;
    result.site_key = or_throw(admin.create_site(workspace.id, site), "cannot create site").key;
    services::AgentFields agent;
    agent.email = result.admin_email;
    agent.name = "Admin";
    agent.password = password;
    agent.role = core::Role::admin;
    or_throw(admin.create_agent(workspace.id, agent), "cannot create the admin agent");
    return result;
}

}  // namespace juttu::app
