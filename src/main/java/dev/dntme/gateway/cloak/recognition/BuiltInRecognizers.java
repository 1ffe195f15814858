package dev.dntme.gateway.cloak.recognition;

import dev.dntme.gateway.cloak.nets.surrogates.SurrogateModel;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor.ColourOrder;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor.Format;
import dev.dntme.gateway.cloak.recognition.RecognizerDescriptor.Input;
import java.util.List;
import java.util.Map;

/**
 * The seven recognisers the project ships, in the order the wide set lists them (that order is part of the model
 * sets' versions). SHA-256 values are those of {@code models/*}{@code /SHA256SUMS} (provenance beside them).
 */
final class BuiltInRecognizers {

    private BuiltInRecognizers() {}

    /** face_recognition's dlib ResNet (face-api 1.7.15 weights): the white-box scraper, 0.6 as dlib quotes it. */
    static final RecognizerDescriptor DLIB = new RecognizerDescriptor(Recognizers.DLIB, Format.FACE_API_DLIB,
            "models/face-api", Map.of(
                    "face_recognition_model-weights_manifest.json",
                    "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
                    "face_recognition_model.bin", "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589"),
            Crop.DLIB,
            // dlib divides by 256 (face-api.js 0.22.2 too); the vladmandic fork's 255 would shift every distance
            new Input(150, 150, ColourOrder.RGB, new float[] {122.782f, 117.001f, 104.298f}, rgb(256f), null, null, 128),
            0.6, null);

    /**
     * HSE FaceRes (human-models 3.0.4): a MobileNet v1 trained for identity, age and gender, whose 1024-d
     * {@code global_pooling/Mean} is the identity embedding; the whole dlib chip resized to 224, raw 0..255 (the graph
     * has no normalisation; 0..1 and -1..1 inputs give near-constant embeddings). 0.94: the equal-error-rate threshold
     * on the clean pairs of {@code src/test/resources/faces/people} (same person 0.632..0.930, different people
     * 0.949..1.230; TfjsGraphRecognizerIdentityTest, docs/benchmarks.md). Its feature term reads a 28x28x256 map.
     */
    static final RecognizerDescriptor FACERES = new RecognizerDescriptor(Recognizers.FACERES, Format.TFJS_GRAPH,
            "models/human-models/faceres.json", Map.of(
                    "faceres.json", "5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df",
                    "faceres.bin", "2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b"),
            Crop.DLIB, new Input(224, 224, ColourOrder.RGB, rgb(0f), rgb(1f), null, "global_pooling/Mean", 1024),
            0.94, "conv_pw_5_relu/clip_by_value");

    /**
     * MobileFace (human-models 3.0.4), an InsightFace-style MobileNet: the ArcFace 112 crop, raw 0..255 (the graph
     * subtracts 127.5 and scales by 1/128 itself). 1.133: the equal-error-rate threshold on the same pairs (same person
     * 0.852..1.133, different people 1.123..1.574: one different-person pair of 91 under it, EER 0.5%).
     */
    static final RecognizerDescriptor MOBILEFACE = new RecognizerDescriptor(Recognizers.MOBILEFACE, Format.TFJS_GRAPH,
            "models/human-models/mobileface.json", Map.of(
                    "mobileface.json", "b62d89d9e1401a2572e011e8691699f2432c1a6f56cda0dad7ddbdecacf1bbab",
                    "mobileface.bin", "403b53d95120c93c8417951b05d816197aa1794372b47e7629801156c701be5c"),
            Crop.ARCFACE_112, new Input(112, 112, ColourOrder.RGB, rgb(0f), rgb(1f), null, "batchnorm0/add_1", 256),
            1.133, null);

    /** dlib, the two TF.js graphs, then the ONNX surrogates (their files and preprocessing are {@link SurrogateModel}'s). */
    static final List<RecognizerDescriptor> ALL = List.of(DLIB, FACERES, MOBILEFACE,
            onnx(SurrogateModel.EDGEFACE_XS), onnx(SurrogateModel.EDGEFACE_XXS), onnx(SurrogateModel.MOBILEFACENET_Y1),
            onnx(SurrogateModel.INTEL_REID_0095));

    /** An ONNX model on an ArcFace-style crop, as the networks package describes one. */
    static RecognizerDescriptor onnx(SurrogateModel m) {
        String file = m.file().substring(m.file().lastIndexOf('/') + 1);
        return new RecognizerDescriptor(m.name(), Format.ONNX, m.file(), Map.of(file, m.sha256()), Crop.ARCFACE_112,
                new Input(m.width(), m.height(), ColourOrder.valueOf(m.colourOrder().name()), m.mean(), m.std(),
                        m.template(), null, m.embeddingSize()),
                m.threshold(), null);
    }

    private static float[] rgb(float v) {
        return new float[] {v, v, v};
    }
}
