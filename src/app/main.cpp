// The `juttu` command line: `serve` and `admin ...`. Bad arguments print one line on
// stderr and exit with 2; a failing command exits with 1.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string_view>

#include "app/commands.hpp"
#include "app/config.hpp"

namespace {

using juttu::app::AdminArgs;

std::string default_data_dir() {
    const char* env = std::getenv("JUTTU_DATA_DIR");
    return env != nullptr && *env != '\0' ? env : "data";
}

void add_data_dir(CLI::App* command, AdminArgs& args) {
    command->add_option("--data-dir", args.data_dir, "directory of the SQLite database");
}

// The configuration options of `serve` whose flag starts with `prefix` ("" for all), so
// that a command reads them exactly as `serve` does.
struct ConfigOptions {
    juttu::app::FlagValues values;
    std::map<std::string, CLI::Option*> options;
    std::string file;
    CLI::Option* file_option = nullptr;

    void add_to(CLI::App* command, std::string_view prefix) {
        for (const auto& key : juttu::app::config_keys()) {
            if (!std::string_view(key.flag).starts_with(prefix)) continue;
            options[key.flag] =
                command->add_option(std::string("--") + key.flag, values[key.flag], key.help);
        }
        file_option = command->add_option("--config", file, "a TOML configuration file");
    }

    // Flags that were not given fall through to the environment, the file, the default.
    juttu::app::Config resolve() {
        for (auto it = values.begin(); it != values.end();) {
            it = options[it->first]->count() == 0 ? values.erase(it) : std::next(it);
        }
        return juttu::app::resolve_config(
            values, file_option->count() ? std::optional<std::string>(file) : std::nullopt);
    }
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Juttu: live chat for online shops"};
    app.require_subcommand(1);

    auto* serve = app.add_subcommand("serve", "run the server");
    ConfigOptions serve_config;
    serve_config.add_to(serve, "");

    AdminArgs args;
    args.data_dir = default_data_dir();
    auto* admin = app.add_subcommand("admin", "manage workspaces, sites and agents");
    admin->require_subcommand(1);

    auto* workspace = admin->add_subcommand("workspace", "workspaces")->require_subcommand(1);
    auto* workspace_create =
        workspace->add_subcommand("create", "create a workspace; prints its id");
    add_data_dir(workspace_create, args);
    workspace_create->add_option("--name", args.name, "workspace name")->required();

    auto* site = admin->add_subcommand("site", "sites")->require_subcommand(1);
    auto* site_create = site->add_subcommand("create", "create a site; prints its key");
    add_data_dir(site_create, args);
    site_create->add_option("--workspace", args.workspace, "workspace name")->required();
    site_create->add_option("--name", args.name, "site name")->required();
    site_create->add_option("--origin", args.origins, "allowed origin (repeatable)")
        ->take_all()
        ->allow_extra_args(false);

    auto* agent = admin->add_subcommand("agent", "agents")->require_subcommand(1);
    auto* agent_create = agent->add_subcommand("create", "create an agent; prints its id");
    add_data_dir(agent_create, args);
    agent_create->add_option("--workspace", args.workspace, "workspace name")->required();
    agent_create->add_option("--email", args.email, "login email")->required();
    agent_create->add_option("--name", args.name, "display name")->required();
    agent_create->add_option("--password", args.password,
                             "password (generated and printed if absent)");
    agent_create->add_option("--role", args.role, "admin or agent (default agent)");

    auto* password = admin->add_subcommand("password", "passwords")->require_subcommand(1);
    auto* password_reset =
        password->add_subcommand("reset", "set a new password and revoke the agent's sessions");
    add_data_dir(password_reset, args);
    password_reset->add_option("--email", args.email, "the agent's email")->required();
    password_reset->add_option("--password", args.password,
                               "new password (generated and printed if absent)");

    auto* snippet = admin->add_subcommand("snippet", "print a site's embed tag");
    add_data_dir(snippet, args);
    snippet->add_option("--site", args.site, "site key")->required();
    snippet->add_option("--public-url", args.public_url, "URL the server is reached at");

    auto* smtp_test =
        admin->add_subcommand("smtp-test", "send a test e-mail with the SMTP settings of serve");
    ConfigOptions smtp_config;
    smtp_config.add_to(smtp_test, "smtp-");
    juttu::app::SmtpTestArgs smtp_args;
    smtp_test->add_option("--to", smtp_args.to, "recipient address")->required();
    smtp_test->add_option("--subject", smtp_args.subject, "subject (default: Juttu SMTP test)");
    smtp_test->add_option("--text", smtp_args.text, "body text");
    smtp_test->add_option("--reply-to", smtp_args.reply_to, "Reply-To address");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        juttu::app::print_error(e.what());
        return 2;
    }

    if (serve->parsed()) {
        try {
            return juttu::app::serve(serve_config.resolve());
        } catch (const std::invalid_argument& e) {
            juttu::app::print_error(e.what());
            return 2;
        } catch (const std::exception& e) {
            juttu::app::print_error(e.what());
            return 1;
        }
    }
    if (workspace_create->parsed()) return juttu::app::admin_workspace_create(args);
    if (site_create->parsed()) return juttu::app::admin_site_create(args);
    if (agent_create->parsed()) return juttu::app::admin_agent_create(args);
    if (password_reset->parsed()) return juttu::app::admin_password_reset(args);
    if (snippet->parsed()) return juttu::app::admin_snippet(args);
    if (smtp_test->parsed()) {
        try {
            return juttu::app::admin_smtp_test(smtp_config.resolve(), smtp_args);
        } catch (const std::invalid_argument& e) {
            juttu::app::print_error(e.what());
            return 2;
        }
    }
    return 2;
}
