# Drives the oras Python SDK (pip install oras==0.2.43) against a Shelf registry for
# tests/oci/oras.rs: pushes an artifact, then a second whose subject is the first, pulls
# the first from the API host and from the static host, and reads the referrers list of
# the first from both. Prints what it saw as one JSON object.
import json, os, sys
import oras.client, oras.oci

host, user, password, work, static = sys.argv[1:6]
os.chdir(work)
client = oras.client.OrasClient(hostname=host, insecure=True)
client.login(username=user, password=password, hostname=host)
with open("sbom.json", "w") as f:
    f.write('{"sbom": true}\n')
with open("sig.txt", "w") as f:
    f.write("signed\n")
with open("config.json", "w") as f:
    f.write("{}")
first = client.push(
    target=f"{host}/art/app:v1",
    files=["sbom.json:application/vnd.example.sbom+json"],
    manifest_config="config.json:application/vnd.example.sbom.config+json",
    disable_path_validation=True,
)
digest = first.headers["Docker-Content-Digest"]
size = len(first.request.body)
subject = oras.oci.Subject(mediaType="application/vnd.oci.image.manifest.v1+json", digest=digest, size=size)
second = client.push(
    target=f"{host}/art/app:sig",
    files=["sig.txt:application/vnd.example.signature"],
    manifest_config="config.json:application/vnd.example.signature.config+json",
    subject=subject,
    disable_path_validation=True,
)
out = {"subject": digest, "referrer": second.headers["Docker-Content-Digest"],
       "oci_subject_header": second.headers.get("OCI-Subject")}
for name, where in [("api", host), ("static", static)]:
    reader = oras.client.OrasClient(hostname=where, insecure=True)
    files = reader.pull(target=f"{where}/art/app:v1", outdir=f"pulled-{name}")
    out[f"pulled_{name}"] = open(files[0]).read()
    if name == "api":
        reader = client
    r = reader.do_request(f"http://{where}/v2/art/app/referrers/{digest}", "GET")
    out[f"referrers_{name}"] = r.json()
    out[f"referrers_type_{name}"] = r.headers.get("Content-Type")
print(json.dumps(out))
