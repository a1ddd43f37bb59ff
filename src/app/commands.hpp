// The `juttu` subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "app/config.hpp"

namespace juttu::app {

int serve(const Config& config);

struct AdminArgs {
    std::string data_dir;
    std::string workspace;
    std::string name;
    std::string email;
    std::string password;
    std::string role = "agent";
    std::string site;
    std::string public_url;
    std::vector<std::string> origins;
};

int admin_workspace_create(const AdminArgs& args);
int admin_site_create(const AdminArgs& args);
int admin_agent_create(const AdminArgs& args);
int admin_password_reset(const AdminArgs& args);
int admin_snippet(const AdminArgs& args);

// `admin smtp-test`: one e-mail through the relay configured as for `serve`.
struct SmtpTestArgs {
    std::string to;
    std::string reply_to;
    std::string subject = "Juttu SMTP test";
    std::string text = "This message was sent by `juttu admin smtp-test` to check the relay.";
};
int admin_smtp_test(const Config& config, const SmtpTestArgs& args);

// Where `serve` notes its public URL in the data dir, for `admin snippet`.
inline constexpr const char* public_url_file = "public-url";

// One line on stderr, for every command: "juttu: MESSAGE".
void print_error(const std::string& message);

}  // namespace juttu::app
