#!/usr/bin/env python3
"""The API half of ops/container/smoke.sh (standard library only), run inside the smoke namespace.

  smoke_api.py ready                         exit 0 once /actuator/health/readiness says UP
  smoke_api.py uploads TOKEN PHOTO WORKDIR   one unflagged and one flagged upload, checked; writes
                                             WORKDIR/public-{unflagged,flagged}.img and WORKDIR/face-box
  smoke_api.py clip TOKEN CLIP WORKDIR       one flagged MP4 clip: 202, polled to published, every frame's
                                             face past the fail bar in the receipt; writes WORKDIR/public-clip.mp4
"""
import json
import sys
import time
import urllib.error
import urllib.request
import uuid

BASE = "http://127.0.0.1:8080"
MATCH_FAIL_CLOSED = 0.65  # docs/cloak.md: a face closer than 0.6 + 0.05 is never published


def request(method, url, token=None, body=None, headers=None, timeout=180):
    req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def check(condition, message):
    if not condition:
        print("  FAILED: " + message, file=sys.stderr)
        sys.exit(1)


def upload(token, photo, user, headers, filename="photo.jpg", content_type="image/jpeg", expected=201):
    boundary = uuid.uuid4().hex
    with open(photo, "rb") as f:
        data = f.read()
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"userId\"\r\n\r\n{user}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    headers = dict(headers, **{"Content-Type": "multipart/form-data; boundary=" + boundary,
                               "Accept": "application/json"})
    status, resp_headers, resp = request("POST", BASE + "/v1/images", token, body, headers)
    check(status == expected, f"upload answered {status}, not {expected}: {resp[:500]!r}")
    return json.loads(resp), resp_headers, data


def public_copy(image, path):
    url = image.get("publicUrl")
    check(url, "no publicUrl in " + json.dumps(image))
    status, _, data = request("GET", url)  # anonymous, as the CDN reads it
    check(status == 200 and len(data) > 0, f"anonymous GET of the public copy answered {status}")
    with open(path, "wb") as f:
        f.write(data)
    return data


def uploads(token, photo, work):
    user = "smoke-" + uuid.uuid4().hex[:8]

    clean, headers, original = upload(token, photo, user, {})
    check(clean["dntMe"] is False and clean["flagSource"] == "default", "unflagged upload: " + json.dumps(clean))
    check(clean["state"] == "published" and "receipt" not in clean, "unflagged upload: " + json.dumps(clean))
    data = public_copy(clean, work + "/public-unflagged.img")
    check(b"Exif\x00\x00" not in data[:65536], "the unflagged public copy still carries EXIF")
    status, _, kept = request("GET", f"{BASE}/v1/images/{clean['id']}/original", token)
    check(status == 200 and kept == original, f"the private original is not the uploaded bytes ({status})")
    print(f"  unflagged: 201, published, no receipt, public copy {len(data)} bytes without EXIF, original kept")

    # the default level, HIGH, is cloaked by the job queue: 202, then polled until published
    key = "smoke-" + uuid.uuid4().hex
    accepted, headers, _ = upload(token, photo, user, {"DNT-ME": "1", "Idempotency-Key": key}, expected=202)
    check(accepted["dntMe"] is True and accepted["flagSource"] == "header", "flagged upload: " + json.dumps(accepted))
    check(accepted["state"] == "processing" and "publicUrl" not in accepted, "202 answer: " + json.dumps(accepted))
    started = time.monotonic()
    flagged = job_end(token, accepted, 300)
    check(flagged["state"] == "published", "flagged upload: " + json.dumps(flagged))
    receipt = flagged.get("receipt")
    check(receipt and receipt.get("modelVersion") and receipt.get("faces"), "no receipt with faces: " + json.dumps(flagged))
    for face in receipt["faces"]:
        check(face["embeddingDistance"] >= MATCH_FAIL_CLOSED,
              f"a published face is only {face['embeddingDistance']} from the original (< {MATCH_FAIL_CLOSED})")
        check(0 < face["ssim"] < 1, f"face SSIM {face['ssim']} is not that of a changed face")
    data = public_copy(flagged, work + "/public-flagged.img")
    check(b"DMI-PROHIBITED" in data, "the flagged public copy lacks the XMP DMI-PROHIBITED mark")
    face = max(receipt["faces"], key=lambda f: f["width"] * f["height"])
    with open(work + "/face-box", "w") as f:
        f.write(f"{face['x']},{face['y']},{face['width']},{face['height']}")
    print(f"  flagged: 202, published after {time.monotonic() - started:.0f} s, receipt {receipt['strength']} "
          f"{'+'.join(receipt.get('models', []))} {receipt['modelVersion']}, faces "
          + ", ".join(f"distance {x['embeddingDistance']:.3f} ssim {x['ssim']:.3f}" for x in receipt["faces"]))

    again, headers, _ = upload(token, photo, user, {"DNT-ME": "1", "Idempotency-Key": key})
    check(again["id"] == flagged["id"] and headers.get("Idempotent-Replayed") == "true",
          "a retry with the same Idempotency-Key was not answered with the first image")
    print("  retry with the same Idempotency-Key: same image, Idempotent-Replayed: true")

    status, _, _ = request("GET", f"{BASE}/v1/images/{flagged['id']}")
    check(status == 401, f"GET without a token answered {status}, not 401")
    status, _, body = request("GET", BASE + "/v3/api-docs")
    check(status == 200 and json.loads(body)["openapi"].startswith("3.1"), f"/v3/api-docs answered {status}")
    print("  401 without a token; OpenAPI 3.1 contract served at /v3/api-docs")


def job_end(token, accepted, limit_s):
    """Polls an accepted image (state processing) until its job has ended, as a platform without the webhook does."""
    started = time.monotonic()
    image = accepted
    while image["state"] == "processing":
        check(time.monotonic() - started < limit_s, f"the job did not end within {limit_s} s: " + json.dumps(image))
        time.sleep(2)
        status, _, body = request("GET", f"{BASE}/v1/images/{accepted['id']}", token)
        check(status == 200, f"GET of the processing image answered {status}")
        image = json.loads(body)
    return image


def clip(token, path, work):
    """A flagged clip goes through the job queue: FFmpeg's natives load inside the image (read-only root), every
    frame is cloaked and the finished file is checked before anything is public."""
    user = "smoke-" + uuid.uuid4().hex[:8]
    accepted, _, _ = upload(token, path, user, {"DNT-ME": "1"}, "clip.mp4", "video/mp4", expected=202)
    check(accepted["state"] == "processing" and "publicUrl" not in accepted, "202 answer: " + json.dumps(accepted))
    total = accepted["progress"]["framesTotal"]
    started = time.monotonic()
    image = job_end(token, accepted, 600)
    check(image["state"] == "published", "the flagged clip was not published: " + json.dumps(image))
    frames = image["receipt"]["frames"]
    check(frames["total"] == total and frames["withFaces"] == total, "receipt frames: " + json.dumps(frames))
    check(frames["minDistance"] >= MATCH_FAIL_CLOSED,
          f"a published frame's face is only {frames['minDistance']} from its original (< {MATCH_FAIL_CLOSED})")
    data = public_copy(image, work + "/public-clip.mp4")
    check(data[4:8] == b"ftyp", "the public copy of the clip is not an MP4")
    print(f"  flagged clip: 202, published after {time.monotonic() - started:.0f} s, {total} frames with a face, "
          f"min distance {frames['minDistance']:.3f}, min face SSIM {frames['minSsim']:.3f}, public copy {len(data)} bytes")


def ready():
    try:
        status, _, body = request("GET", BASE + "/actuator/health/readiness", timeout=3)
    except OSError:
        return 1
    return 0 if status == 200 and json.loads(body).get("status") == "UP" else 1


if __name__ == "__main__":
    if sys.argv[1] == "ready":
        sys.exit(ready())
    {"uploads": uploads, "clip": clip}[sys.argv[1]](*sys.argv[2:5])
