// `juttu serve`: wires the store, bus, services, API and network, then runs until
// SIGINT or SIGTERM and shuts down gracefully.
#include <fcntl.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include "api/event_publisher.hpp"
#include "api/files_api.hpp"
#include "api/http_front.hpp"
#include "api/poll_front.hpp"
#include "api/realtime.hpp"
#include "api/rest_api.hpp"
#include "app/background_jobs.hpp"
#include "app/bootstrap.hpp"
#include "app/commands.hpp"
#include "app/ticker.hpp"
#include "bus/local_bus.hpp"
#include "core/clock.hpp"
#include "net/poll_hub.hpp"
#include "net/server.hpp"
#include "net/smtp_client.hpp"
#include "net/static_files.hpp"
#include "services/admin/admin_service.hpp"
#include "services/admin/teams.hpp"
#include "services/auth/auth_service.hpp"
#include "services/canned/canned_responses.hpp"
#include "services/chat/chat_service.hpp"
#include "services/chat/notes.hpp"
#include "services/files/files_service.hpp"
#include "services/files/fs_blob_store.hpp"
#include "services/offline/missed_chats.hpp"
#include "services/offline/reply_mailer.hpp"
#include "services/routing/presence.hpp"
#include "services/routing/router.hpp"
#include "services/routing/site_status.hpp"
#include "services/search/search_service.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace juttu::app {

namespace {

std::filesystem::path default_web_root() {
    std::error_code ec;
    const auto exe_dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
    for (const auto& candidate : {exe_dir / "../web/public", exe_dir / "web",
                                  std::filesystem::path("/usr/share/juttu/web")}) {
        if (std::filesystem::is_directory(candidate, ec)) return candidate.lexically_normal();
    }
    return exe_dir / "../web/public";
}

std::vector<std::string> own_origins(const std::string& host, std::uint16_t port,
                                     const std::string& public_url) {
    std::vector<std::string> origins;
    // The public URL's origin: scheme://host[:port], without any path.
    const auto scheme_end = public_url.find("://");
    if (scheme_end != std::string::npos) {
        origins.push_back(public_url.substr(0, public_url.find('/', scheme_end + 3)));
    }
    const auto port_text = std::to_string(port);
    origins.push_back("http://" + host + ":" + port_text);
    if (host == "127.0.0.1" || host == "0.0.0.0" || host == "localhost") {
        origins.push_back("http://127.0.0.1:" + port_text);
        origins.push_back("http://localhost:" + port_text);
    }
    std::sort(origins.begin(), origins.end());
    origins.erase(std::unique(origins.begin(), origins.end()), origins.end());
    return origins;
}

// `juttu admin snippet` runs in another process and reads the URL from here.
void remember_public_url(const std::filesystem::path& data_dir, const std::string& url) {
    std::ofstream(data_dir / public_url_file) << url << "\n";
}

void wait_for_signal() {
    boost::asio::io_context signals_loop;
    boost::asio::signal_set signals(signals_loop, SIGINT, SIGTERM);
    signals.async_wait([](const boost::system::error_code&, int signal) {
        spdlog::info("signal {} received, shutting down", signal);
    });
    signals_loop.run();
}

// Two glibc settings, both measured (BENCHMARKS.md):
// - the store writer allocates and frees a batch's worth of memory on every commit; with
//   the default trimming that memory goes back to the kernel and is faulted in again each
//   time (group commit +48 % without it);
// - a fixed mmap threshold keeps big, short-lived blocks (argon2's 19 MiB per login) out
//   of the per-thread heaps, which would otherwise keep them, untrimmed, in every worker.
void tune_allocator() {
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

// Background work (routing passes, the ticker) must not take the server down: a failing
// store is logged, and the next event or tick tries again.
void run_logged(const char* what, const std::function<void()>& work) noexcept {
    try {
        work();
    } catch (const std::exception& error) {
        spdlog::error("{} failed: {}", what, error.what());
    }
}

void close_ended_sessions(services::AuthService& auth) {
    const auto gone = auth.sessions().check();
    if (!gone.empty()) spdlog::info("{} sessions ended elsewhere: closed", gone.size());
}

core::TimeMs seconds_to_ms(std::chrono::seconds duration) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

// One argon2 computation per core by default (each is CPU-bound). The waiting room (8 per
// computation: a burst of 16 logins on two cores all succeed) stays below the blocking
// pool's 16 threads per core, so waiting logins never take every worker.
services::PasswordGate::Limits argon2_limits(const Config& config) {
    const std::size_t cores = std::max(1U, std::thread::hardware_concurrency());
    services::PasswordGate::Limits limits;
    limits.running = config.argon2_concurrency != 0 ? config.argon2_concurrency : cores;
    limits.waiting = config.argon2_queue.value_or(8 * limits.running);
    return limits;
}

// Upgrading a big database can take a while (migration 8 rebuilds the messages table,
// about 9 s per million messages): say so before it starts.
void announce_migrations(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) return;  // a new database: nothing to upgrade
    auto db = store::sqlite::Database::open(file, store::sqlite::Database::Mode::read_write_create);
    for (const auto& migration : store::sqlite::pending_migrations(*db)) {
        spdlog::info("upgrading the database: migration {} ({})", migration.version,
                     migration.name);
    }
}

// --metrics-listen: /metrics alone on a listener of its own; one event loop is plenty.
std::unique_ptr<net::Server> metrics_listener(const std::string& listen, api::MetricsFront& front) {
    net::ServerOptions options;
    std::tie(options.host, options.port) = split_listen(listen);
    options.threads = 1;
    return std::make_unique<net::Server>(options, front, front);
}

// Blobs that a crash left without a file row (services/files). A failure only leaves
// them: the server starts all the same.
void remove_orphan_blobs(services::FilesService& files, const std::filesystem::path& directory) {
    try {
        const auto orphans = files.remove_orphan_blobs();
        if (orphans.found == 0) return;
        if (orphans.removed == orphans.found) {
            spdlog::info("{} blobs left by a crash without a file row removed", orphans.removed);
        } else {
            spdlog::warn(
                "{} blobs in {} have no file row: too many for a crash's leftovers, so none "
                "was removed (is juttu.db an older copy?)",
                orphans.found, directory.string());
        }
    } catch (const std::exception& error) {
        spdlog::error("blobs without a file row could not be removed: {}", error.what());
    }
}

// One server per data dir: held until the process ends (the kernel lets go of it however
// it ends, kill -9 too). A second one would, at its start, take the first one's uploads
// in flight for a crash's leftovers (remove_orphan_blobs) and delete their bytes. The
// admin CLI does not take it: it works beside a running server.
class DataDirLock {
public:
    explicit DataDirLock(const std::filesystem::path& data_dir) {
        const auto file = data_dir / "juttu.lock";
        fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) throw std::runtime_error("cannot open " + file.string());
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw std::runtime_error("another juttu serve is using " + data_dir.string());
        }
    }
    ~DataDirLock() { ::close(fd_); }
    DataDirLock(const DataDirLock&) = delete;
    DataDirLock& operator=(const DataDirLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace

int serve(const Config& config) {
    tune_allocator();
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    auto [host, port] = split_listen(config.listen);
    std::filesystem::create_directories(config.data_dir);
    const DataDirLock data_dir_lock(config.data_dir);
    store::sqlite::Writer::Options writer;
    writer.gather_delay = config.commit_delay;
    announce_migrations(config.data_dir / "juttu.db");
    auto store = store::sqlite::SqliteStore::open(config.data_dir / "juttu.db", writer);

    core::SystemClock clock;
    bus::LocalBus bus;
    api::Metrics metrics;
    api::EventPublisher publisher(bus, metrics);
    publisher.set_agent_names([&store](core::Id workspace_id, core::Id agent_id) {
        auto agent = store->find_agent(workspace_id, agent_id);
        return agent ? agent->name : std::string();
    });
    publisher.set_latest_conversation([&store](core::Id workspace_id, core::Id id) {
        return store->find_conversation(workspace_id, id);
    });
    // Clients hear of each change first; then the services that react to it.
    services::EventTee events;
    events.on_error([](std::string_view event, std::string_view what) {
        spdlog::error("a listener of {} failed: {}", event, what);
    });
    events.add(publisher);
    services::AuthService auth(*store, events, clock, argon2_limits(config));
    services::AdminService admin(*store, events, clock);
    admin.set_admins_create_workspaces(config.admins_create_workspaces);
    services::RateLimiter limits(config.limits, clock);
    services::ChatService chat(*store, events, clock, limits);
    // Attachments: blobs under the data dir, URLs signed with the data dir's secret.
    services::FsBlobStore blobs(config.data_dir / "files");
    const auto signer = services::FileSigner::from_file(config.data_dir / "file_url_secret");
    services::ImageProcessor images({});
    services::FilesService files_service(
        *store, blobs, signer, images, clock,
        {config.max_upload_bytes, config.max_attachments, config.upload_types});
    chat.set_files(&files_service);
    // Before any upload is taken, so that every blob without a row is a crash's leftover.
    remove_orphan_blobs(files_service, config.data_dir / "files");

    const auto cores = std::max(1U, std::thread::hardware_concurrency());
    // Visitor hellos wait for store commits on these threads, so their number bounds the
    // connect rate (BENCHMARKS.md: 32 workers connect 48 % faster than 8).
    // Destroyed by hand before the server (see the end): handlers still queued on it when
    // it was joined hold connections whose sockets need the server's loops to close.
    std::optional<boost::asio::thread_pool> pool_storage;
    auto& pool = pool_storage.emplace(config.workers != 0 ? config.workers : 16 * cores);

    net::ServerOptions options;
    options.host = host;
    options.port = port;
    options.threads = config.threads;
    options.ws_idle_timeout = config.ws_idle_timeout;
    options.trusted_proxies = net::TrustedProxies(config.trusted_proxies);
    options.upload_body_limit = config.max_upload_bytes;

    services::Presence presence(events, clock, seconds_to_ms(config.agent_offline_grace));
    services::CannedResponses canned(*store, clock);
    services::Teams teams(*store, events, clock);
    services::Notes notes(*store, events, clock);
    services::Router router(
        *store, presence, notes, events, clock, [&pool](std::function<void()> pass) {
            boost::asio::post(pool, [pass = std::move(pass)] { run_logged("routing pass", pass); });
        });
    events.add(router);
    services::SiteStatus site_status(*store, presence, events, clock);
    events.add(site_status);
    services::MissedChats missed_chats(*store, events, clock,
                                       seconds_to_ms(config.visitor_leave_grace));
    std::optional<net::SmtpClient> smtp;
    std::optional<services::ReplyMailer> mailer;
    if (!config.smtp.host.empty()) {
        smtp.emplace(smtp_settings(config.smtp));
        mailer.emplace(*store, *smtp, clock, config.smtp.from);
        events.add(*mailer);
    }
    services::Search search(*store);
    api::RestApi rest({chat, auth, admin, presence, canned, teams, notes, router, limits, search,
                       config.public_url});
    net::StaticFiles files(config.web_root.empty() ? default_web_root() : config.web_root);
    api::HttpFront front(rest, *store, metrics, files, pool,
                         {config.metrics_token, !config.metrics_listen.empty()});
    api::FilesApi files_api(files_service, auth, limits);
    front.set_files(&files_api);
    api::MetricsFront metrics_front(front);
    auto metrics_server = config.metrics_listen.empty()
                              ? nullptr
                              : metrics_listener(config.metrics_listen, metrics_front);
    api::RealtimeGateway gateway({chat, auth, presence, router, site_status, missed_chats, teams,
                                  limits, bus, metrics, pool});
    net::Server server(options, front, gateway);
    front.set_connections(&server.connections());
    // The HTTP transport for clients whose WebSockets are blocked: the same protocol.
    net::PollOptions poll_options;
    poll_options.idle_timeout = config.ws_idle_timeout;
    poll_options.queue_limit = options.ws_queue_limit;
    poll_options.queue_bytes = options.ws_queue_bytes;
    poll_options.frame_bytes = options.ws_max_frame_bytes;
    net::PollHub poll_hub(pool.get_executor(), poll_options, gateway);
    api::PollFront poll_front(poll_hub);
    front.set_poll(&poll_front);

    // The own URL is known only once the port is bound (port 0 picks one); nothing is
    // served before start(), so setting it here races with nothing.
    const auto bound_port = server.listen();
    const std::string own_url = "http://" + host + ":" + std::to_string(bound_port);
    const std::string public_url = config.public_url.empty() ? own_url : config.public_url;
    rest.set_public_url(public_url);
    std::string metrics_url = own_url + "/metrics";
    if (metrics_server) {
        const auto [metrics_host, unused] = split_listen(config.metrics_listen);
        metrics_url =
            "http://" + metrics_host + ":" + std::to_string(metrics_server->listen()) + "/metrics";
    }
    remember_public_url(config.data_dir, public_url);

    if (!store->has_workspaces()) {
        auto demo = bootstrap_demo(admin, own_origins(host, bound_port, public_url));
        std::cout << "Created workspace Demo with site \"Demo shop\" (key " << demo.site_key
                  << ")\n";
        if (demo.generated_password.empty()) {
            std::cout << "Admin login: " << demo.admin_email
                      << " (password from JUTTU_BOOTSTRAP_ADMIN_PASSWORD)\n";
        } else {
            std::cout << "Admin login: " << demo.admin_email << " / " << demo.generated_password
                      << "  (shown once: change it after logging in)\n";
        }
    }
    // The background jobs (app/background_jobs.hpp), each guarded by the ticker.
    const auto log_failure = [](std::string_view job, std::string_view what) {
        spdlog::error("{} failed: {}", job, what);
    };
    std::optional<Ticker> ticker;
    ticker.emplace(std::chrono::seconds(1),
                   background_jobs({presence, missed_chats, site_status, limits}), log_failure);
    // Sessions ended outside this process (the CLI, another node) close their sockets here.
    std::optional<Ticker> session_checks;
    session_checks.emplace(
        config.session_check_interval,
        std::vector<TickerJob>{{"session check", 1, [&auth] { close_ended_sessions(auth); }}},
        log_failure);
    // Files uploaded and never sent are deleted after a day.
    std::optional<Ticker> file_sweeps;
    file_sweeps.emplace(std::chrono::seconds(60),
                        std::vector<TickerJob>{{"file sweep", 1,
                                                [&files_service] {
                                                    if (const auto gone = files_service.sweep()) {
                                                        spdlog::info("{} unsent files deleted",
                                                                     gone);
                                                    }
                                                }}},
                        log_failure);
    server.start();
    if (metrics_server) metrics_server->start();
    std::cout << "Console:   " << own_url << "/console/\n"
              << "Demo shop: " << own_url << "/demo/\n"
              << "Metrics:   " << metrics_url
              << (config.metrics_token.empty() ? "" : " (needs the metrics token)") << "\n"
              << "Juttu listening on " << own_url << std::endl;
    spdlog::info("data in {}", config.data_dir.string());

    wait_for_signal();
    if (metrics_server) metrics_server->stop();
    // What was read is answered before the sockets close: stop reading and accepting,
    // finish the frames and requests in hand, commit their writes (so their acks are
    // queued), and only then send the close frames, after the acks.
    server.quiesce();
    poll_hub.shutdown();     // its sessions close as the sockets do; its timers end
    ticker.reset();          // nothing of its runs past here
    session_checks.reset();  // nor of the session checks
    file_sweeps.reset();
    pool.join();  // finish in-flight handlers
    store->flush();
    server.stop();
    if (mailer) mailer->stop();  // unsent replies stay in the outbox
    store.reset();  // commit every queued write while the bus (and every listener) is alive
    pool_storage.reset();
    spdlog::info("stopped");
    return 0;
}

}  // namespace juttu::app
