package dev.dntme.gateway.upload;

/**
 * Image views in states the still-image pipeline cannot reach (a job's outcomes). The one place a test builds an
 * ImageView field by field: when ImageView gains fields, only this changes.
 */
final class TestViews {

    private TestViews() {
    }

    static ImageView withState(ImageView v, String state) {
        return new ImageView(v.id(), v.userId(), v.dntMe(), v.flagSource(), state,
                "published".equals(state) ? v.publicUrl() : null, v.faces(), v.width(), v.height(), v.contentType(),
                v.createdAt(), v.receipt(), v.progress(), v.media(), v.failure());
    }
}
