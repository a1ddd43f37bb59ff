// One HTTP/1.1 connection: reads a request, hands it to the HttpHandler, writes the
// answer, repeats while keep-alive; upgrades to a WsSession on GET /ws.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>

#include "net/server.hpp"

namespace juttu::net {

class HttpSession final : public Closable, public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(boost::asio::ip::tcp::socket socket, const ServerOptions& options,
                ConnectionRegistry& registry, HttpHandler& http, WsHandlerFactory& ws);
    ~HttpSession() override;

    void run();
    void shutdown() override;

private:
    void read_next();
    void read_body();
    bool is_upload() const;  // the header read is a file upload's
    void on_read(boost::beast::error_code ec);
    // Replaces any client_address_header the client sent with the address we know.
    void stamp_client_address(Request& request);
    void write(Response response);
    void on_write(boost::beast::error_code ec, bool keep_alive);
    void close_socket();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::shared_ptr<Response> response_;
    const ServerOptions& options_;
    ConnectionRegistry& registry_;
    HttpHandler& http_;
    WsHandlerFactory& ws_;
    std::uint64_t registry_id_ = 0;
    bool busy_ = false;  // a request is being answered
    bool shutting_down_ = false;
};

}  // namespace juttu::net
