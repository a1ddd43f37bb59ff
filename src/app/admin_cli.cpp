// `juttu admin ...`: manage workspaces, sites and agents on a data dir, also while
// `juttu serve` runs on it (SQLite serialises the writers; the server reads sites
// from the store on every connect, so a new site works at once). `smtp-test` needs no
// data dir: it checks the e-mail settings.
#include <fstream>
#include <iostream>

#include "app/commands.hpp"
#include "app/silent_events.hpp"
#include "core/clock.hpp"
#include "net/smtp_client.hpp"
#include "net/smtp_message.hpp"
#include "services/admin/admin_service.hpp"
#include "services/auth/crypto.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace juttu::app {

namespace {

// The store and the admin service over a data dir, for one command.
class AdminContext {
public:
    explicit AdminContext(const std::string& data_dir) {
        const std::filesystem::path dir(data_dir);
        if (!std::filesystem::is_directory(dir)) {
            throw std::runtime_error("data dir " + data_dir + " does not exist");
        }
        store_ = store::sqlite::SqliteStore::open(dir / "juttu.db");
        admin_ = std::make_unique<services::AdminService>(*store_, events_, clock_);
    }

    services::AdminService& admin() { return *admin_; }

    core::Workspace workspace(const std::string& name) {
        auto workspace = admin_->find_workspace(name);
        if (!workspace.ok()) throw std::runtime_error("no workspace named '" + name + "'");
        return workspace.value();
    }

private:
    core::SystemClock clock_;
    SilentEvents events_;
    std::unique_ptr<store::sqlite::SqliteStore> store_;
    std::unique_ptr<services::AdminService> admin_;
};

template <class T>
T or_throw(core::Result<T> result) {
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return std::move(result.value());
}

std::string read_public_url(const std::string& data_dir) {
    std::ifstream in(std::filesystem::path(data_dir) / public_url_file);
    std::string url;
    if (in && std::getline(in, url) && !url.empty()) return url;
    return "http://127.0.0.1:8080";
}

// Runs a command body; a failure is one line on stderr and exit code 1.
template <class F>
int run(F&& body) {
    try {
        body();
        return 0;
    } catch (const std::exception& e) {
        print_error(e.what());
        return 1;
    }
}

}  // namespace

void print_error(const std::string& message) { std::cerr << "juttu: " << message << std::endl; }

int admin_workspace_create(const AdminArgs& args) {
    return run([&] {
        AdminContext context(args.data_dir);
        auto workspace = or_throw(context.admin().create_workspace(args.name));
        std::cout << workspace.id << std::endl;
    });
}

int admin_site_create(const AdminArgs& args) {
    return run([&] {
        AdminContext context(args.data_dir);
        services::SiteFields fields;
        fields.name = args.name;
        fields.allowed_origins = args.origins;
        auto site =
            or_throw(context.admin().create_site(context.workspace(args.workspace).id, fields));
        std::cout << site.key << std::endl;
    });
}

int admin_agent_create(const AdminArgs& args) {
    return run([&] {
        AdminContext context(args.data_dir);
        services::AgentFields fields;
        fields.email = args.email;
        fields.name = args.name;
        const bool generated = args.password.empty();
        fields.password = generated ? services::random_token("", 12) : args.password;
        fields.role = core::parse_role(args.role);
        if (!fields.role) throw std::runtime_error("role must be admin or agent");
        auto agent =
            or_throw(context.admin().create_agent(context.workspace(args.workspace).id, fields));
        std::cout << agent.id << std::endl;
        if (generated) std::cout << "password: " << *fields.password << std::endl;
    });
}

int admin_password_reset(const AdminArgs& args) {
    return run([&] {
        AdminContext context(args.data_dir);
        const bool generated = args.password.empty();
        const auto password = generated ? services::random_token("", 12) : args.password;
        or_throw(context.admin().reset_password(args.email, password));
        if (generated) std::cout << password << std::endl;
    });
}

int admin_snippet(const AdminArgs& args) {
    return run([&] {
        AdminContext context(args.data_dir);
        auto site = or_throw(context.admin().find_site_by_key(args.site));
        const auto url = args.public_url.empty() ? read_public_url(args.data_dir) : args.public_url;
        std::cout << services::AdminService::snippet(site, url) << std::endl;
    });
}

// Bad settings or arguments exit with 2 before any connection; a relay that does not take
// the message exits with 1 and its reason.
int admin_smtp_test(const Config& config, const SmtpTestArgs& args) {
    if (config.smtp.host.empty()) {
        print_error("smtp-host is not set (flag, JUTTU_SMTP_HOST or smtp.host)");
        return 2;
    }
    const services::Email email{config.smtp.from, args.to, args.reply_to, args.subject, args.text};
    if (auto problem = net::smtp::email_problem(email)) {
        print_error(*problem);
        return 2;
    }
    net::SmtpClient client(smtp_settings(config.smtp));
    if (auto sent = client.send(email); !sent.ok()) {
        print_error(sent.error().message);
        return 1;
    }
    std::cout << "sent a test message to " << args.to << " through " << config.smtp.host << ":"
              << config.smtp.port << std::endl;
    return 0;
}

}  // namespace juttu::app
