// First start: an empty data dir gets a demo workspace, site and admin.
#pragma once

#include <string>
#include <vector>

#include "services/admin/admin_service.hpp"

namespace juttu::app {

struct BootstrapResult {
    std::string admin_email;
    std::string generated_password;  // empty when it came from the environment
    std::string site_key;
};

// Creates workspace "Demo", site "Demo shop" allowing `origins`, and the admin from
// JUTTU_BOOTSTRAP_ADMIN_EMAIL / _PASSWORD (a generated password otherwise).
// Throws std::runtime_error with a one-line reason.
BootstrapResult bootstrap_demo(services::AdminService& admin,
                               const std::vector<std::string>& origins);

}  // namespace juttu::app
