#!/usr/bin/env python3
"""Test data and coverage for the schemathesis runs of scripts/schemathesis.

  schemathesis.py seed BASE_URL DIR
      Signs in as the demo users, adds a second case with a referral (so a receiving
      coordinator has more than one to decide), a case of the demo coordinator's own
      agency and notes, drafts and documents (small PDFs uploaded as multipart forms) of
      the demo caseworker's, investigations of the demo police with suspects linked to
      its cases and handed to the demo prosecution office (some accepted, one summoned),
      makes external systems' accounts (one of them working, for the token endpoint),
      waits for a failed delivery, and writes
      the ids of existing objects as dictionaries in DIR/ids/<kind>.dict, one quoted
      value per line, for the runs to draw path parameters from.

  schemathesis.py coverage DIR
      Reads DIR/openapi.json, every other DIR/*.json run report and DIR/*.txt run
      output and prints, per operation, whether some run ran its logic on an object
      that exists (a success or a conflict with the object's state), and the API links
      the stateful phase followed. Fails when an operation only ever answered that its
      object does not exist, unless it needs a secret only a person has (an emailed
      token, an authenticator code, a password).
"""

import datetime
import json
import pathlib
import re
import sys
import time
import urllib.error
import urllib.request

PASSWORD = "oranje fiets lantaarn 42"
DOMAIN = "demo.schakel.invalid"

# Operations that need what only a person has: a token from an email, a code from an
# authenticator, or the current password. No run can reach them with valid input; their
# refusals are still tested (every run sends them well-formed and malformed requests).
NEEDS_A_SECRET = {
    "POST /api/v1/auth/login": "a demo account's password (generated attempts on a demo "
                               "account would lock it; the seed signs in with it)",
    "POST /api/v1/auth/refresh": "a refresh token, which only a login answers",
    "POST /api/v1/auth/invitation": "the token of an emailed invitation",
    "POST /api/v1/auth/password-reset/complete": "the token of an emailed reset link",
    "POST /api/v1/auth/mfa/verify": "a code from the user's authenticator",
    "POST /api/v1/me/password": "the current password",
}


def call(base, method, path, token=None, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            text = res.read().decode()
            return res.status, dict(res.headers), json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        raise SystemExit(f"schemathesis seed: {method} {path} answered {e.code}: {e.read()[:300]!r}")


# A small PDF: the documents the seed uploads. Until the malware scanner has seen them
# (never, when no ClamAV daemon is reachable) their content answers 409 document_pending.
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


def upload_document(base, token, case_id, title, shared):
    """Adds a PDF to a case as a multipart/form-data upload; returns the document."""
    boundary = "schakel-seed-5c2e"
    parts = [("file", 'filename="seed.pdf"', "application/pdf", PDF),
             ("title", None, None, title.encode()),
             ("shared", None, None, b"true" if shared else b"false")]
    body = b""
    for name, file_name, content_type, content in parts:
        body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"".encode()
        body += (f"; {file_name}" if file_name else "").encode() + b"\r\n"
        body += (f"Content-Type: {content_type}\r\n" if content_type else "").encode()
        body += b"\r\n" + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{base}/api/v1/cases/{case_id}/documents", data=body,
                                 method="POST")
    req.add_header("content-type", f"multipart/form-data; boundary={boundary}")
    req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read().decode())
    except urllib.error.HTTPError as e:
        raise SystemExit(f"schemathesis seed: upload to case {case_id} answered {e.code}: "
                         f"{e.read()[:300]!r}")


def login(base, who):
    _, _, body = call(base, "POST", "/api/v1/auth/login",
                      body={"email": f"{who}@{DOMAIN}", "password": PASSWORD})
    return body["access_token"]


def add_case_with_referral(base, token, to_agency):
    today = datetime.date.today()
    _, _, signal = call(base, "POST", "/api/v1/signals", token, {
        "observed_on": (today - datetime.timedelta(days=1)).isoformat(),
        "region": "midden_nederland",
        "exploitation_forms": ["sexual"],
        "indicators": ["ilo_retention_of_identity_documents"],
        "palermo": {"act": True, "means": True, "purpose": True},
        "reporting_basis": "consent",
        "summary": "Test data: fictional.",
        "person": {
            "identity": {"given_names": "Test", "family_name": "Persoon",
                         "date_of_birth": "1990-03-04", "nationalities": ["BG"]},
            "gender": "female",
        },
    })
    _, headers, case = call(base, "POST", "/api/v1/cases", token, {"signal_id": signal["id"]})
    _, headers, case = call(base, "POST", f"/api/v1/cases/{case['id']}/consents", token, {
        "kind": "consent", "recipient_kinds": ["care"], "purposes": ["care_coordination"],
        "given_by": "person", "given_on": today.isoformat(),
    }, headers={"if-match": headers["etag"]})
    call(base, "POST", f"/api/v1/cases/{case['id']}/referrals", token, {
        "to_agency_id": to_agency, "purpose": "care_coordination", "urgency": "normal",
        "message": "Test data: fictional.",
    })


def seed_compartment(base, police, prosecutor, prosecution_agency):
    """Investigations of the demo police with suspects linked to its own cases, some
    handed to the prosecution office, accepted there and one of them summoned; returns
    the dictionaries of their ids."""
    today = datetime.date.today().isoformat()
    cases, investigations, suspects, referrals = [], [], [], []
    for n in range(2):
        _, _, inv = call(base, "POST", "/api/v1/investigations", police, {
            "reference": f"ON-TEST-{n}", "region": "midden_nederland",
            "exploitation_forms": ["labour"], "started_on": today,
        })
        investigations.append(inv["id"])
        for m in range(4):
            _, _, case = call(base, "POST", "/api/v1/cases", police, {
                "person": {"identity": {"given_names": "Test", "family_name": f"Slachtoffer{n}{m}",
                                        "date_of_birth": "1995-05-05"}, "gender": "female"},
                "region": "midden_nederland", "exploitation_forms": ["labour"],
            })
            cases.append(case["id"])
            _, _, suspect = call(base, "POST", f"/api/v1/investigations/{inv['id']}/suspects", police, {
                "identity": {"given_names": "Test", "family_name": f"Verdachte{n}{m}",
                             "date_of_birth": "1980-01-01"},
                "country_of_birth": "NL", "gender": "male", "role": "exploiter",
            })
            suspects.append(suspect["id"])
            _, _, linked = call(base, "POST", f"/api/v1/suspects/{suspect['id']}/victims", police,
                                {"case_id": case["id"]})
            assert len(linked["victims"]) == 1
            if m < 3:
                _, _, r = call(base, "POST", f"/api/v1/suspects/{suspect['id']}/referrals", police,
                               {"to_agency_id": prosecution_agency, "message": "Test data: fictional."})
                # The police run withdraws the referrals it is offered, which hides
                # their suspects from the prosecution: the summoned suspects' own
                # referrals stay out of the dictionary, so the prosecution run always
                # finds them.
                if m > 0:
                    referrals.append(r["id"])
                if m < 2:
                    call(base, "POST", f"/api/v1/suspect-referrals/{r['id']}/accept", prosecutor,
                         headers={"if-match": '"1"'})
                if m == 0:
                    call(base, "POST", f"/api/v1/suspects/{suspect['id']}/decisions", prosecutor,
                         {"decision": "summons", "decided_on": today})
    # The runs draw a suspect and a link apart: a link only comes off through its own
    # suspect, so the links offered are all of one suspect (the police's own, linked to
    # every case), drawn alone for taking a link off; the suspects offered elsewhere are
    # that one and the two summoned ones.
    linked = suspects[3]
    links = []
    for case in cases:
        _, _, view = call(base, "POST", f"/api/v1/suspects/{linked}/victims", police,
                          {"case_id": case})
        links = [v["id"] for v in view["victims"]]
    return {"police_cases": cases, "investigations": investigations,
            "suspects": [linked, suspects[0], suspects[4]], "linked_suspects": [linked],
            "links": links,
            "suspect_referrals": referrals, "prosecutors": [prosecution_agency]}


def write_dict(folder, name, values):
    values = sorted(set(values))
    if not values:
        raise SystemExit(f"schemathesis seed: no {name} to test with")
    (folder / f"{name}.dict").write_text("".join(f'"{v}"\n' for v in values))
    print(f"  {name}: {len(values)}")


def seed_clients(base, admin, agency):
    """External systems' accounts of `agency`: the first made to work (the demo's four
    eyes make it deactivated; the second demo admin approves its reactivation) for the
    token endpoint, the others (deactivated) for replacing a secret."""
    made = []
    for n in range(3):
        _, _, c = call(base, "POST", "/api/v1/clients", admin, {
            "agency_id": agency, "name": f"Test system {n}: fictional", "role": "caseworker"})
        made.append(c)
    first = made[0]
    if not first["account"]["active"]:
        status, _, request = call(base, "POST", f"/api/v1/users/{first['client_id']}/reactivate", admin)
        if status == 202:
            call(base, "POST", f"/api/v1/privilege-requests/{request['id']}/approve", login(base, "admin2"))
    return {"clients": [c["client_id"] for c in made[1:]],
            "client_ids": [first["client_id"]], "client_secrets": [first["client_secret"]]}


def seed(base, out):
    caseworker = login(base, "caseworker")
    coordinator = login(base, "coordinator")
    admin = login(base, "admin")
    _, _, agencies = call(base, "GET", "/api/v1/agencies", admin)
    coordination = next(a for a in agencies if a["kind"] == "care_coordination")
    municipality = next(a for a in agencies if a["kind"] == "municipality")
    add_case_with_referral(base, caseworker, coordination["id"])
    # Cases of the coordinator's own agency, for what only coordinators do to their
    # agency's cases (making a worker responsible): most of the ids its run draws.
    for _ in range(3):
        add_case_with_referral(base, coordinator, municipality["id"])
    _, _, signals = call(base, "GET", "/api/v1/signals", caseworker)
    _, _, cases = call(base, "GET", "/api/v1/cases", caseworker)
    _, _, own = call(base, "GET", "/api/v1/cases", coordinator)
    consents, referrals = [], []
    for who, c in [(caseworker, c) for c in cases["items"]] + [(coordinator, c) for c in own["items"]]:
        _, _, full = call(base, "GET", f"/api/v1/cases/{c['id']}", who)
        consents += [x["id"] for x in full["consents"]]
        referrals += [x["id"] for x in full["referrals"]]
    # Notes are changed by their author for 30 minutes: the caseworker's run reaches
    # these, written on the caseworker's own open cases.
    notes = []
    for c in [c for c in cases["items"] if c["status"] == "open"][:2]:
        for n in range(3):
            _, _, note = call(base, "POST", f"/api/v1/cases/{c['id']}/notes", caseworker, {
                "kind": "phone_call", "occurred_on": datetime.date.today().isoformat(),
                "visibility": "own_agency", "text": f"Test data {n}: fictional.",
            })
            notes.append(note["id"])
    # Documents, shared and not, on the caseworker's open cases: more than the runs take
    # off, so that reading, downloading and sharing keep finding one.
    documents = []
    for c in [c for c in cases["items"] if c["status"] == "open"][:2]:
        for n in range(4):
            doc = upload_document(base, caseworker, c["id"], f"Test data {n}: fictional.",
                                  shared=n % 2 == 0)
            documents.append(doc["id"])
    # The police break the glass for some of the municipality's cases: the auditors'
    # run reviews these; the police run opens more by the references.
    police = login(base, "police")
    prosecution = next(a for a in agencies if a["kind"] == "prosecution")
    compartment = seed_compartment(base, police, login(base, "prosecution"), prosecution["id"])
    references = [c["reference"] for c in cases["items"]]
    emergencies = []
    for reference in references[:4]:
        status, _, grant = call(base, "POST", "/api/v1/emergency-accesses", police, {
            "agency_id": municipality["id"], "reference": reference,
            "ground": "danger_to_life",
            "reason": "Test data: the control room reports acute danger to this person.",
        })
        if status == 201:
            emergencies.append(grant["id"])
    cases["items"] += own["items"]
    # Drafts are their author's: the caseworker's run reaches these.
    drafts = []
    for n in range(8):
        _, _, d = call(base, "POST", "/api/v1/drafts", caseworker, {
            "form": "signal", "fields": [{"name": "summary", "value": f"Test data {n}."}],
        })
        drafts.append(d["id"])
    _, _, users = call(base, "GET", "/api/v1/users", admin)
    _, _, me = call(base, "GET", "/api/v1/me", admin)
    clients = seed_clients(base, admin, municipality["id"])
    # The admin's own account and agency stay out: the admin run must keep its session;
    # so do the client accounts (their own operations draw them).
    others = [u for u in users if u["id"] != me["id"] and not u.get("client")]
    agencies_ = [a["id"] for a in agencies if a["id"] != me["agency"]["id"]]
    # Requests for changes of privilege (four eyes): the admin asks for role changes;
    # its run may reject them (approving its own is refused: a conflict).
    privileges = []
    for u in [u for u in others if u["role"] == "caseworker"][:3]:
        status, _, req = call(base, "PATCH", f"/api/v1/users/{u['id']}", admin,
                              {"role": "coordinator"})
        if status == 202:
            privileges.append(req["id"])
    deadline = time.monotonic() + 60
    while True:
        _, _, failed = call(base, "GET", "/api/v1/admin/outbox?state=failed", admin)
        deliveries = [e["id"] for e in failed["emails"]] + [e["id"] for e in failed["events"]]
        if deliveries or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    folder = pathlib.Path(out) / "ids"
    folder.mkdir(parents=True, exist_ok=True)
    print("schemathesis seed: existing objects to test with")
    write_dict(folder, "signals", [s["id"] for s in signals["items"]])
    write_dict(folder, "cases", [c["id"] for c in cases["items"]])
    write_dict(folder, "consents", consents)
    write_dict(folder, "referrals", referrals)
    write_dict(folder, "users", [u["id"] for u in others])
    write_dict(folder, "agencies", agencies_)
    write_dict(folder, "deliveries", deliveries)
    write_dict(folder, "drafts", drafts)
    write_dict(folder, "notes", notes)
    write_dict(folder, "documents", documents)
    write_dict(folder, "emergencies", emergencies)
    write_dict(folder, "privileges", privileges)
    write_dict(folder, "references", references[4:] or references)
    write_dict(folder, "owners", [municipality["id"]])
    for name, values in list(compartment.items()) + list(clients.items()):
        write_dict(folder, name, values)


def coverage(folder):
    folder = pathlib.Path(folder)
    document = json.loads((folder / "openapi.json").read_text())
    operations = {f"{method.upper()} {path}": op for path, item in document["paths"].items()
                  for method, op in item.items()}
    # Per operation over every run: answers that ran its logic on an existing object
    # (success, or a conflict with the object's state), and those that refused the
    # generated input (validation, version, rules the schema cannot state).
    reached = {name: 0 for name in operations}
    refused = {name: 0 for name in operations}
    absent = {name: 0 for name in operations}
    for report in sorted(folder.glob("*.json")):
        if report.name == "openapi.json":
            continue
        data = json.loads(report.read_text())
        for name, phases in data.get("valid_rates", {}).items():
            reached[name] = reached.get(name, 0) + sum(
                p["accepted"] + p["conflicts"] for p in phases.values())
            refused[name] = refused.get(name, 0) + sum(p["rejected"] for p in phases.values())
            absent[name] = absent.get(name, 0) + sum(p["unreachable"] for p in phases.values())
    # An operation without parameters or body whose only documented answers are
    # successes was reached by any passing run that called it.
    for name, op in operations.items():
        plain = not op.get("parameters") and "requestBody" not in op
        if plain and all(code.startswith("2") for code in op["responses"]):
            reached[name] = max(reached[name], 1)
    links = []
    for out in sorted(folder.glob("*.txt")):
        m = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", out.read_text())
        if m:
            links.append((out.stem, int(m.group(1)), int(m.group(2))))
    ok = sorted(n for n in operations if reached[n])
    secret = sorted(n for n in operations if not reached[n] and n in NEEDS_A_SECRET)
    input_only = sorted(n for n in operations
                        if not reached[n] and n not in NEEDS_A_SECRET and refused[n])
    missing = sorted(n for n in operations if not reached[n] and n not in NEEDS_A_SECRET
                     and not refused[n] and absent[n])
    untried = sorted(n for n in operations if not reached[n] and n not in NEEDS_A_SECRET
                     and not refused[n] and not absent[n])
    print(f"schemathesis coverage: {len(ok)} of {len(operations)} operations ran their logic "
          f"on an existing object (a success, or a conflict with its state)")
    for name in secret:
        print(f"  not reached, needs {NEEDS_A_SECRET[name]}: {name}")
    for name in input_only:
        print(f"  reached, but every generated input was refused ({refused[name]}): {name}")
    for name in untried:
        print(f"  NOT TRIED with schema-valid input: {name}")
    for name in missing:
        print(f"  NEVER FOUND AN OBJECT (only 404): {name}")
    for run, covered, selected in links:
        print(f"  links followed as {run}: {covered} of {selected}")
    (folder / "coverage").write_text(
        f"{len(ok)}/{len(operations)} operations ran on existing objects; links followed "
        + ", ".join(f"{r} {c}/{s}" for r, c, s in links) + "\n")
    if missing or untried:
        raise SystemExit("schemathesis coverage: operations never run on an existing object")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "seed":
        seed(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "coverage":
        coverage(sys.argv[2])
    else:
        raise SystemExit(__doc__)
