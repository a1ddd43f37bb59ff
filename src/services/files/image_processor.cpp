#include "services/files/image_processor.hpp"

#include <memory>
#include <mutex>
#include <stdexcept>
#include <vips/vips8>

namespace juttu::services {

namespace {

using core::ErrorCode;
using core::fail;

// Takes a turn and gives it back however the caller leaves.
class Turn {
public:
    explicit Turn(std::counting_semaphore<2>& turns) : turns_(turns) { turns_.acquire(); }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    ~Turn() { turns_.release(); }

private:
    std::counting_semaphore<2>& turns_;
};

std::string save(const vips::VImage& image, const char* suffix) {
    void* buffer = nullptr;
    std::size_t size = 0;
    // strip: no EXIF, XMP, IPTC or ICC in the output.
    image.write_to_buffer(suffix, &buffer, &size, vips::VImage::option()->set("strip", true));
    std::unique_ptr<void, decltype(&g_free)> owned(buffer, &g_free);
    return std::string(static_cast<const char*>(buffer), size);
}

// The format an image is served in: its own, but a GIF's first frame as PNG (libvips may
// be built without a GIF writer).
std::pair<const char*, std::string> output_format(const std::string& type) {
    if (type == "image/jpeg") return {".jpg", "image/jpeg"};
    if (type == "image/webp") return {".webp", "image/webp"};
    return {".png", "image/png"};
}

}  // namespace

void init_image_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (VIPS_INIT("juttu") != 0) throw std::runtime_error("libvips failed to start");
        // Only the loaders of the types we sniff: none of libvips' less trusted ones.
        vips_block_untrusted_set(TRUE);
        vips_cache_set_max(0);  // every image is seen once: caching only holds memory
        vips_concurrency_set(1);
    });
}

ImageProcessor::ImageProcessor(Limits limits) : limits_(limits) { init_image_library(); }

core::Result<ProcessedImage> ImageProcessor::process(std::string_view bytes,
                                                     const std::string& type) {
    const Turn turn(turns_);
    try {
        // The header alone first: the pixel limit is checked before anything is decoded.
        auto image = vips::VImage::new_from_buffer(
            bytes.data(), bytes.size(), "",
            vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("fail", true));
        const std::int64_t pixels = std::int64_t{image.width()} * image.height();
        if (pixels > limits_.max_pixels || pixels <= 0) {
            return fail(ErrorCode::validation_failed, "the image is too large: at most " +
                                                          std::to_string(limits_.max_pixels) +
                                                          " pixels");
        }
        // Random access from here: autorot and the thumbnail read the image more than once.
        image = vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "",
                                              vips::VImage::option()->set("fail", true))
                    .autorot();
        ProcessedImage out;
        const auto [suffix, served_type] = output_format(type);
        out.bytes = save(image, suffix);
        out.type = served_type;
        out.width = image.width();
        out.height = image.height();
        const auto thumbnail = image.thumbnail_image(limits_.thumbnail_size,
                                                     vips::VImage::option()
                                                         ->set("height", limits_.thumbnail_size)
                                                         ->set("size", VIPS_SIZE_DOWN));
        const bool transparent = thumbnail.has_alpha();
        out.thumbnail = save(thumbnail, transparent ? ".png" : ".jpg");
        out.thumbnail_type = transparent ? "image/png" : "image/jpeg";
        return out;
    } catch (const vips::VError&) {
        return fail(ErrorCode::validation_failed, "the image could not be read");
    } catch (const std::exception& error) {
        return fail(ErrorCode::unavailable,
                    std::string("the image could not be processed: ") + error.what());
    }
}

}  // namespace juttu::services
