package dev.dntme.gateway.upload;

import dev.dntme.gateway.cloak.ProtectionReceipt;
import dev.dntme.gateway.storage.ObjectStore;
import dev.dntme.gateway.system.Problem;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Catalog row → image JSON, for the API and for whoever is told of a job's end. */
@Component
class ImageViews {

    private final ObjectStore store;
    private final JsonMapper json;

    ImageViews(ObjectStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    ImageView view(ImageRecord r) {
        ImageRecord.Media m = r.media();
        return new ImageView(r.id(), r.userId(), r.dntMe(), r.flagSource(), r.state().name().toLowerCase(Locale.ROOT),
                r.state() == ImageState.PUBLISHED ? store.publicUrl(r.publicKey()) : null, r.faces(), r.width(),
                r.height(), r.contentType(), r.createdAt(), receipt(r.receiptJson()),
                m == null ? null : new ImageView.MediaProgress(Math.min(m.framesDone(), m.framesTotal()), m.framesTotal()),
                m == null ? null : new ImageView.MediaInfo(m.format().name().toLowerCase(Locale.ROOT), m.framesTotal(),
                        m.durationMillis()),
                r.state() == ImageState.REJECTED && r.failure() != null ? failure(r.failure()) : null);
    }

    private ProtectionReceipt receipt(String receiptJson) {
        return receiptJson == null ? null : json.readValue(receiptJson, ProtectionReceipt.class);
    }

    private static ImageView.JobFailure failure(ImageRecord.Failure f) {
        String title = Arrays.stream(Problem.values()).filter(p -> p.type().toString().equals(f.type()))
                .map(Problem::title).findFirst().orElse(Problem.INTERNAL.title());
        return new ImageView.JobFailure(f.type(), title, f.detail());
    }
}
