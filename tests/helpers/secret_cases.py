"""Labelled cells for `hardcoded-secret`: what must fire and what must not.

Built from the *published* rules and tests of gitleaks (config/gitleaks.toml, the rule files under
cmd/generate/config/rules/) and detect-secrets (detect_secrets/plugins/, filters/heuristic.py,
tests/plugins/): which prefixes and shapes each rule family has, which placeholders and examples
they drop. The cells and the values are this project's own. Every key-shaped value is generated
here from a seeded RNG, so no real credential (and no string a secret scanner would flag in this
repository) is written down; documentation examples are quoted as the vendors publish them.

Each case: an id, the cell's source, whether the check must fire, the lines it must fire on, the
rule family, where the case comes from, and the secret — a string that must never appear in the
report. A `known_miss` case is a credential the check does not see yet (a documented gap: the test
asserts it is still missed, so fixing it means relabelling it; the benchmark counts it as a miss).

The last section, "held out", was written after the detector and scored once before any change
(benchmarks/bench_secrets.py --cases): ours 21/26 found with no false alarm, detect-secrets 12/26
with 4. The misses it showed were then fixed or labelled known_miss. `origin` names the peer rule
or test a case follows ("gitleaks:aws-access-token",
"detect-secrets:KeywordDetector"), "corpus" for a shape seen in ../shared/corpus, "project" for
this project's own semantics (tokenizer vocabulary, names that hold a secret's name …).
"""

from __future__ import annotations

import base64
import json
import random
import string
from typing import NamedTuple

ALNUM = string.ascii_letters + string.digits
LETTERS = string.ascii_letters
HEX = "0123456789abcdef"
DIGITS = string.digits
BASE32 = string.ascii_uppercase + "234567"
UPPER_NUM = string.ascii_uppercase + string.digits
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"


def fake(seed: str, alphabet: str, n: int) -> str:
    """A deterministic random string: the same value on every run, nobody's credential."""
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()


class Case(NamedTuple):
    id: str
    source: str
    fires: bool
    family: str
    origin: str
    secret: str | None = None
    lines: tuple[int, ...] = (1,)
    known_miss: bool = False


CASES: list[Case] = []


def pos(
    id: str, family: str, origin: str, source: str, secret: str, lines: tuple[int, ...] = (1,), known_miss: bool = False
) -> None:
    CASES.append(Case(id, source, True, family, origin, secret, lines, known_miss))


def neg(id: str, family: str, origin: str, source: str) -> None:
    CASES.append(Case(id, source, False, family, origin, None, ()))


# -- generated values ---------------------------------------------------------------------------
AKIA = "AKIA" + fake("akia", BASE32, 16)
ASIA = "ASIA" + fake("asia", BASE32, 16)
ABIA = "ABIA" + fake("abia", BASE32, 16)
ACCA = "ACCA" + fake("acca", BASE32, 16)
A3T = "A3TK" + fake("a3t", BASE32, 16)
AWS_SECRET = fake("aws-secret", B64, 40)
GHP = "ghp_" + fake("ghp", ALNUM, 36)
GHO = "gho_" + fake("gho", ALNUM, 36)
GHU = "ghu_" + fake("ghu", ALNUM, 36)
GHS = "ghs_" + fake("ghs", ALNUM, 36)
GHR = "ghr_" + fake("ghr", ALNUM, 36)
GITHUB_PAT = "github_pat_11" + fake("ghpat-a", UPPER_NUM, 20) + "_" + fake("ghpat-b", ALNUM, 59)
GITHUB_PAT_2 = "github_pat_11" + fake("ghpat-c", UPPER_NUM, 20) + "_" + fake("ghpat-d", ALNUM, 59)
GLPAT = "glpat-" + fake("glpat", URLSAFE, 20)
GLDT = "gldt-" + fake("gldt", URLSAFE, 20)
GLRT = "glrt-" + fake("glrt", URLSAFE, 20)
XOXB = "xoxb-" + fake("xoxb-1", DIGITS, 11) + "-" + fake("xoxb-2", DIGITS, 13) + "-" + fake("xoxb-3", ALNUM, 24)
XOXP = (
    "xoxp-"
    + fake("xoxp-1", DIGITS, 10)
    + "-"
    + fake("xoxp-2", DIGITS, 10)
    + "-"
    + fake("xoxp-3", DIGITS, 12)
    + "-"
    + fake("xoxp-4", HEX, 32)
)
XAPP = "xapp-1-A" + fake("xapp-1", UPPER_NUM, 10) + "-" + fake("xapp-2", DIGITS, 13) + "-" + fake("xapp-3", HEX, 64)
SLACK_HOOK = (
    "https://hooks.slack.com/services/T"
    + fake("hook-t", UPPER_NUM, 8)
    + "/B"
    + fake("hook-b", UPPER_NUM, 10)
    + "/"
    + fake("hook-s", ALNUM, 24)
)
SLACK_WORKFLOW = (
    "https://hooks.slack.com/workflows/T"
    + fake("wf-t", UPPER_NUM, 10)
    + "/A"
    + fake("wf-a", UPPER_NUM, 10)
    + "/"
    + fake("wf-n", DIGITS, 18)
    + "/"
    + fake("wf-s", ALNUM, 24)
)
SK_LIVE = "sk_live_" + fake("sk-live", ALNUM, 24)
SK_TEST = "sk_test_51" + fake("sk-test", ALNUM, 97)
RK_LIVE = "rk_live_" + fake("rk-live", ALNUM, 24)
RK_TEST = "rk_test_51" + fake("rk-test", ALNUM, 97)
PK_LIVE = "pk_live_" + fake("pk-live", ALNUM, 24)
PK_TEST = "pk_test_51" + fake("pk-test", ALNUM, 97)
GOOGLE_DASH = "AIzaSy" + fake("google-dash", URLSAFE, 32) + "-"
GOOGLE_UNDERSCORE = "AIzaSy" + fake("google-us", URLSAFE, 32) + "_"
GOOGLE = "AIzaSy" + fake("google", URLSAFE, 33)
OPENAI_PROJ = "sk-proj-" + fake("oa-proj-1", URLSAFE, 74) + "T3BlbkFJ" + fake("oa-proj-2", URLSAFE, 74)
OPENAI_LEGACY = "sk-" + fake("oa-legacy-1", ALNUM, 20) + "T3BlbkFJ" + fake("oa-legacy-2", ALNUM, 20)
OPENAI_SVC = "sk-svcacct-" + fake("oa-svc-1", URLSAFE, 58) + "T3BlbkFJ" + fake("oa-svc-2", URLSAFE, 58)
ANTHROPIC = "sk-ant-api03-" + fake("anthropic", URLSAFE, 93) + "AA"
ANTHROPIC_ADMIN = "sk-ant-admin01-" + fake("anthropic-admin", URLSAFE, 93) + "AA"
HF = "hf_" + fake("hf", LETTERS, 34)
HF_2 = "hf_" + fake("hf-2", LETTERS, 34)
HF_ORG = "api_org_" + fake("hf-org", LETTERS, 34)
TWILIO_SK = "SK" + fake("twilio-sk", HEX, 32)
TWILIO_SID = "AC" + fake("twilio-sid", HEX, 32)
TWILIO_AUTH = fake("twilio-auth", HEX, 32)
SENDGRID = "SG." + fake("sg-1", URLSAFE, 22) + "." + fake("sg-2", URLSAFE, 43)
NPM = "npm_" + fake("npm", ALNUM, 36)
PYPI = "pypi-AgEIcHlwaS5vcmc" + fake("pypi", URLSAFE, 120)
AZURE_ACCOUNT_KEY = fake("azure-key", B64, 86) + "=="
AZURE_AD = fake("azure-ad-1", ALNUM, 3) + "8Q~" + fake("azure-ad-2", ALNUM + "_~.-", 34)
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    + b64url({"sub": "svc-etl", "scope": "warehouse:read", "exp": 1893456000})
    + "."
    + fake("jwt-sig", URLSAFE, 43)
)
JWT_2 = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ."
    + b64url({"iss": "auth.internal", "sub": "ana", "iat": 1700000000})
    + "."
    + fake("jwt-sig-2", URLSAFE, 86)
)
PEM_BODY = "\\n".join(fake(f"pem-{i}", B64, 64) for i in range(4))
PEM_LINES = "\n".join(fake(f"pem-line-{i}", B64, 64) for i in range(4))
GCP_KEY_ID = fake("gcp-key-id", HEX, 40)
URL_PW = fake("url-pw", ALNUM, 14)
PASSWORDS = {n: fake(f"password-{n}", ALNUM + "!#%&*+-.", 12) for n in range(12)}
RANDOM_HEX = fake("random-hex", HEX, 40)
KAGGLE_KEY = fake("kaggle", HEX, 32)
TELEGRAM = fake("tg-1", DIGITS, 10) + ":AA" + fake("tg-2", URLSAFE, 33)

# -- positives: key shapes ----------------------------------------------------------------------
pos("aws-akia-id-name", "aws", "gitleaks:aws-access-token", f'aws_access_key_id = "{AKIA}"', AKIA)
pos(
    "aws-asia-keyword",
    "aws",
    "gitleaks:aws-access-token",
    f's3 = boto3.client("s3", aws_access_key_id="{ASIA}", region_name="eu-west-1")',
    ASIA,
)
pos("aws-abia-dict", "aws", "gitleaks:aws-access-token", f'creds = {{"id": "{ABIA}", "region": "us-east-1"}}', ABIA)
pos("aws-acca-print", "aws", "gitleaks:aws-access-token", f'print("using {ACCA}")', ACCA)
pos("aws-a3t-list", "aws", "detect-secrets:AWSKeyDetector", f'keys = ["{A3T}"]', A3T)
pos(
    "aws-in-config-string",
    "aws",
    "detect-secrets:AWSKeyDetector",
    f'cfg = "[default]\\naws_access_key_id={AKIA}\\n"',
    AKIA,
)
pos(
    "aws-secret-access-key-name",
    "aws",
    "detect-secrets:AWSKeyDetector",
    f'AWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"',
    AWS_SECRET,
)
pos(
    "aws-secret-environ",
    "aws",
    "gitleaks:generic-api-key",
    f'import os\nos.environ["AWS_SECRET_ACCESS_KEY"] = "{AWS_SECRET}"',
    AWS_SECRET,
    (2,),
)
pos(
    "aws-secret-keyword",
    "aws",
    "detect-secrets:KeywordDetector",
    f'session = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key="{AWS_SECRET}")',
    AWS_SECRET,
)
pos("github-ghp-upper-name", "github", "gitleaks:github-pat", f'GITHUB_TOKEN = "{GHP}"', GHP)
pos("github-gho-positional", "github", "gitleaks:github-oauth", f'g = Github("{GHO}")', GHO)
pos(
    "github-ghu-header",
    "github",
    "gitleaks:github-app-token",
    f'headers = {{"Accept": "application/json", "X-Gh": "{GHU}"}}',
    GHU,
)
pos("github-ghs-bare-token", "github", "gitleaks:github-app-token", f'token = "{GHS}"', GHS)
pos("github-ghr-refresh", "github", "gitleaks:github-refresh-token", f'refresh = "{GHR}"', GHR)
pos(
    "github-fine-grained-positional",
    "github",
    "gitleaks:github-fine-grained-pat",
    f'auth = Auth.Token("{GITHUB_PAT}")',
    GITHUB_PAT,
)
pos(
    "github-fine-grained-in-clone-url",
    "github",
    "gitleaks:github-fine-grained-pat",
    f"!git clone https://{GITHUB_PAT_2}@github.com/acme/etl.git",
    GITHUB_PAT_2,
)
pos(
    "gitlab-pat-keyword",
    "gitlab",
    "gitleaks:gitlab-pat",
    f'gl = gitlab.Gitlab("https://gitlab.com", private_token="{GLPAT}")',
    GLPAT,
)
pos(
    "gitlab-pat-header",
    "gitlab",
    "detect-secrets:GitLabTokenDetector",
    f'r = requests.get(api, headers={{"PRIVATE-TOKEN": "{GLPAT}"}})',
    GLPAT,
)
pos(
    "gitlab-deploy-token-url",
    "gitlab",
    "gitleaks:gitlab-deploy-token",
    f'repo = "https://gitlab+deploy-token-7:{GLDT}@gitlab.com/acme/models.git"',
    GLDT,
)
pos("gitlab-runner-token", "gitlab", "detect-secrets:GitLabTokenDetector", f'runner = "{GLRT}"', GLRT)
pos("slack-bot-token-keyword", "slack", "gitleaks:slack-bot-token", f'client = WebClient(token="{XOXB}")', XOXB)
pos("slack-user-token-positional", "slack", "gitleaks:slack-user-token", f'client = WebClient("{XOXP}")', XOXP)
pos("slack-app-token", "slack", "gitleaks:slack-app-token", f'handler = SocketModeHandler(app, "{XAPP}")', XAPP)
pos(
    "slack-webhook-post",
    "slack",
    "gitleaks:slack-webhook-url",
    f'requests.post("{SLACK_HOOK}", json={{"text": "done"}})',
    SLACK_HOOK[-24:],
)
pos("slack-webhook-name", "slack", "detect-secrets:SlackDetector", f'SLACK_WEBHOOK = "{SLACK_HOOK}"', SLACK_HOOK[-24:])
pos("slack-workflow-webhook", "slack", "gitleaks:slack-webhook-url", f'hook = "{SLACK_WORKFLOW}"', SLACK_WORKFLOW[-24:])
pos("stripe-live-attribute", "stripe", "gitleaks:stripe-access-token", f'stripe.api_key = "{SK_LIVE}"', SK_LIVE)
pos(
    "stripe-test-positional",
    "stripe",
    "gitleaks:stripe-access-token",
    f'client = stripe.StripeClient("{SK_TEST}")',
    SK_TEST,
)
pos(
    "stripe-restricted-live", "stripe", "detect-secrets:StripeDetector", f'keys = {{"reporting": "{RK_LIVE}"}}', RK_LIVE
)
pos("stripe-restricted-test", "stripe", "gitleaks:stripe-access-token", f'print("{RK_TEST}")', RK_TEST)
pos(
    "google-key-ending-dash",
    "google",
    "gitleaks:gcp-api-key",
    f'gmaps = googlemaps.Client(key="{GOOGLE_DASH}")',
    GOOGLE_DASH,
)
pos(
    "google-key-ending-underscore-fstring",
    "google",
    "gitleaks:gcp-api-key",
    f'url = f"https://maps.googleapis.com/maps/api/geocode/json?address={{addr}}&key={GOOGLE_UNDERSCORE}"',
    GOOGLE_UNDERSCORE,
)
pos("google-key-name", "google", "gitleaks:gcp-api-key", f'GOOGLE_API_KEY = "{GOOGLE}"', GOOGLE)
pos(
    "openai-project-key-attribute",
    "openai",
    "gitleaks:openai-api-key",
    f'openai.api_key = "{OPENAI_PROJ}"',
    OPENAI_PROJ,
)
pos(
    "openai-legacy-key-keyword",
    "openai",
    "detect-secrets:OpenAIDetector",
    f'client = OpenAI(api_key="{OPENAI_LEGACY}")',
    OPENAI_LEGACY,
)
pos(
    "openai-service-account-setdefault",
    "openai",
    "gitleaks:openai-api-key",
    f'os.environ.setdefault("OPENAI_API_KEY", "{OPENAI_SVC}")',
    OPENAI_SVC,
)
pos(
    "anthropic-keyword",
    "anthropic",
    "gitleaks:anthropic-api-key",
    f'client = anthropic.Anthropic(api_key="{ANTHROPIC}")',
    ANTHROPIC,
)
pos(
    "anthropic-admin-header",
    "anthropic",
    "gitleaks:anthropic-admin-api-key",
    f'h = {{"x-api-key": "{ANTHROPIC_ADMIN}", "anthropic-version": "2023-06-01"}}',
    ANTHROPIC_ADMIN,
)
pos("huggingface-login", "huggingface", "gitleaks:huggingface-access-token", f'login(token="{HF}")', HF)
pos(
    "huggingface-cli-shell",
    "huggingface",
    "gitleaks:huggingface-access-token",
    f"!huggingface-cli login --token {HF_2}",
    HF_2,
)
pos(
    "huggingface-use-auth-token",
    "huggingface",
    "gitleaks:huggingface-access-token",
    f'ds = load_dataset("acme/private", use_auth_token="{HF}")',
    HF,
)
pos(
    "huggingface-org-token",
    "huggingface",
    "gitleaks:huggingface-organization-api-token",
    f'os.environ["HUGGINGFACEHUB_API_TOKEN"] = "{HF_ORG}"',
    HF_ORG,
)
pos(
    "twilio-auth-token-name",
    "twilio",
    "detect-secrets:KeywordDetector",
    f'account_sid = "{TWILIO_SID}"\nauth_token = "{TWILIO_AUTH}"\nclient = Client(account_sid, auth_token)',
    TWILIO_AUTH,
    (2,),
)
pos(
    "twilio-api-key-positional",
    "twilio",
    "gitleaks:twilio-api-key",
    f'client = Client("{TWILIO_SK}", api_secret, account_sid)',
    TWILIO_SK,
)
pos("sendgrid-positional", "sendgrid", "gitleaks:sendgrid-api-token", f'sg = SendGridAPIClient("{SENDGRID}")', SENDGRID)
pos("sendgrid-name", "sendgrid", "detect-secrets:SendGridDetector", f'SENDGRID_API_KEY = "{SENDGRID}"', SENDGRID)
pos("npm-token-name", "npm", "gitleaks:npm-access-token", f'NPM_TOKEN = "{NPM}"', NPM)
pos(
    "npm-npmrc-write",
    "npm",
    "detect-secrets:NpmDetector",
    f'Path(".npmrc").write_text("//registry.npmjs.org/:_authToken={NPM}\\n")',
    NPM,
)
pos("pypi-twine-shell", "pypi", "gitleaks:pypi-upload-token", f"!twine upload -u __token__ -p {PYPI} dist/*", PYPI)
pos("pypi-password-name", "pypi", "detect-secrets:PypiTokenDetector", f'TWINE_PASSWORD = "{PYPI}"', PYPI)
pos(
    "azure-storage-connection-string",
    "azure",
    "detect-secrets:AzureStorageKeyDetector",
    "svc = "
    f'BlobServiceClient.from_connection_string("DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey={AZURE_ACCOUNT_KEY};EndpointSuffix=core.windows.net")',
    AZURE_ACCOUNT_KEY,
)
pos(
    "azure-ad-client-secret-positional",
    "azure",
    "gitleaks:azure-ad-client-secret",
    f'cred = ClientSecretCredential(tenant_id, client_id, "{AZURE_AD}")',
    AZURE_AD,
)
pos(
    "azure-client-secret-name",
    "azure",
    "gitleaks:generic-api-key",
    f'CLIENT_SECRET = "{fake("client-secret", ALNUM, 34)}"',
    fake("client-secret", ALNUM, 34),
)
pos(
    "gcp-service-account-dict",
    "private-key",
    "gitleaks:private-key",
    'info = {\n    "type": "service_account",\n    "project_id": "acme-analytics",\n'
    f'    "private_key_id": "{GCP_KEY_ID}",\n'
    f'    "private_key": "-----BEGIN PRIVATE KEY-----\\n{PEM_BODY}\\n-----END PRIVATE KEY-----\\n",\n'
    '    "client_email": "etl@acme-analytics.iam.gserviceaccount.com",\n}\ncreds = '
    "service_account.Credentials.from_service_account_info(info)",
    PEM_BODY.split("\\n")[1],
    (5,),
)
pos(
    "private-key-rsa-triple-quoted",
    "private-key",
    "detect-secrets:PrivateKeyDetector",
    f'key = """-----BEGIN RSA PRIVATE KEY-----\n{PEM_LINES}\n-----END RSA PRIVATE KEY-----"""',
    PEM_LINES.split("\n")[2],
)
pos(
    "private-key-openssh",
    "private-key",
    "gitleaks:private-key",
    f'write_key("-----BEGIN OPENSSH PRIVATE KEY-----\\n{PEM_BODY}\\n-----END OPENSSH PRIVATE KEY-----\\n")',
    PEM_BODY.split("\\n")[0],
)
pos(
    "private-key-ec-name",
    "private-key",
    "detect-secrets:PrivateKeyDetector",
    f'signing_pem = "-----BEGIN EC PRIVATE KEY-----\\n{PEM_BODY}\\n-----END EC PRIVATE KEY-----"',
    PEM_BODY.split("\\n")[3],
)
pos(
    "private-key-pgp-block",
    "private-key",
    "gitleaks:private-key",
    f'armored = """-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{PEM_LINES}\n-----END PGP PRIVATE KEY BLOCK-----"""',
    PEM_LINES.split("\n")[0],
)
pos("jwt-bearer-header", "jwt", "gitleaks:jwt", f'headers = {{"Authorization": "Bearer {JWT}"}}', JWT.split(".")[2])
pos(
    "jwt-cookie",
    "jwt",
    "detect-secrets:JwtTokenDetector",
    f'r = requests.get(url, cookies={{"session": "{JWT_2}"}})',
    JWT_2.split(".")[2],
)
pos(
    "url-password-postgres",
    "url-password",
    "detect-secrets:BasicAuthDetector",
    f'engine = create_engine("postgresql://analyst:{URL_PW}@db.internal:5432/sales")',
    URL_PW,
)
pos(
    "url-password-mongodb-srv",
    "url-password",
    "detect-secrets:BasicAuthDetector",
    f'client = MongoClient("mongodb+srv://admin:{PASSWORDS[0].replace("#", "")}@cluster0.ab1cd.mongodb.net/")',
    PASSWORDS[0].replace("#", ""),
)
pos(
    "url-password-redis-empty-user",
    "url-password",
    "detect-secrets:BasicAuthDetector",
    f'r = redis.from_url("redis://:{PASSWORDS[1].replace("#", "")}@cache:6379/0")',
    PASSWORDS[1].replace("#", ""),
)
pos(
    "url-password-git-token",
    "url-password",
    "detect-secrets:BasicAuthDetector",
    f"!git clone https://ana:{fake('git-pw', ALNUM, 20)}@git.acme.io/data/etl.git",
    fake("git-pw", ALNUM, 20),
)
pos(
    "odbc-connection-string-pwd",
    "conn-string",
    "gitleaks:generic-api-key",
    f'conn = pyodbc.connect("Driver={{ODBC Driver 18 for SQL '
    f'Server}};Server=tcp:acme.database.windows.net;Database=sales;Uid=etl;Pwd={PASSWORDS[2].replace(";", "")};")',
    PASSWORDS[2].replace(";", ""),
)
pos(
    "jdbc-url-password-param",
    "conn-string",
    "gitleaks:generic-api-key",
    f'url = "jdbc:mysql://db:3306/sales?user=etl&password={fake("jdbc-pw", ALNUM, 16)}"',
    fake("jdbc-pw", ALNUM, 16),
)

# -- positives: names bound to literals ---------------------------------------------------------
pos("name-password", "name", "detect-secrets:KeywordDetector", 'password = "hunter22"', "hunter22")
pos("name-upper-password-common-word", "name", "project", 'PASSWORD = "sunshine"', "sunshine")
pos("name-upper-bare-token-common-word", "name", "project", 'TOKEN = "butterfly"', "butterfly")
pos("name-upper-api-key-common-word", "name", "project", 'API_KEY = "pineapple"', "pineapple")
pos("name-upper-secret-common-word", "name", "project", 'SECRET = "lighthouse"', "lighthouse")
pos(
    "name-passphrase-with-spaces",
    "name",
    "project",
    'passphrase = "correct mule battery lantern"',
    "correct mule battery lantern",
)
pos("name-ssh-passphrase", "name", "project", f'SSH_PASSPHRASE = "{PASSWORDS[3]}"', PASSWORDS[3])
pos("name-db-pass", "name", "detect-secrets:KeywordDetector", f'db_pass = "{PASSWORDS[4]}"', PASSWORDS[4])
pos("name-camel-case-password", "name", "detect-secrets:KeywordDetector", 'dbPassword = "Winter2024!"', "Winter2024!")
pos(
    "name-camel-case-secret-key",
    "name",
    "detect-secrets:KeywordDetector",
    f'secretKey = "{PASSWORDS[5]}"',
    PASSWORDS[5],
)
pos(
    "name-flask-secret-key",
    "name",
    "gitleaks:generic-api-key",
    f'app.config["SECRET_KEY"] = "{RANDOM_HEX}"',
    RANDOM_HEX,
)
pos("name-environ-password", "name", "gitleaks:generic-api-key", 'os.environ["DB_PASSWORD"] = "t0ps3cret"', "t0ps3cret")
pos(
    "name-getenv-default",
    "name",
    "gitleaks:generic-api-key",
    'pw = os.getenv("DB_PASSWORD", "w1nter-harbor")',
    "w1nter-harbor",
)
pos(
    "name-keyword-password",
    "name",
    "detect-secrets:KeywordDetector",
    'conn = psycopg2.connect(dbname="sales", user="etl", password="s3cr3tpw")',
    "s3cr3tpw",
)
pos(
    "name-parameter-default",
    "name",
    "gitleaks:generic-api-key",
    'def connect(user, password="hunter22"):\n    return user',
    "hunter22",
)
pos(
    "name-class-attribute-token",
    "name",
    "gitleaks:generic-api-key",
    f'class Config:\n    API_TOKEN = "{PASSWORDS[6]}"',
    PASSWORDS[6],
    (2,),
)
pos(
    "name-compared-password",
    "name",
    "detect-secrets:KeywordDetector",
    'if password == "letmein42":\n    grant()',
    "letmein42",
)
pos(
    "name-compared-reversed",
    "name",
    "detect-secrets:KeywordDetector",
    'ok = "Sesame-99" != admin_password',
    "Sesame-99",
)
pos(
    "name-client-secret",
    "name",
    "gitleaks:generic-api-key",
    f'client_secret = "{fake("oauth-secret", ALNUM + "-_", 40)}"',
    fake("oauth-secret", ALNUM + "-_", 40),
)
pos(
    "name-dict-password",
    "name",
    "detect-secrets:KeywordDetector",
    f'credentials = {{"username": "ana", "password": "{PASSWORDS[7]}"}}',
    PASSWORDS[7],
)
pos(
    "name-header-x-api-key",
    "name",
    "gitleaks:generic-api-key",
    f'requests.get(url, headers={{"X-API-Key": "{fake("x-api-key", ALNUM, 32)}"}})',
    fake("x-api-key", ALNUM, 32),
)
pos(
    "name-params-apikey",
    "name",
    "gitleaks:generic-api-key",
    f'params = {{"q": "weather", "apikey": "{fake("apikey", HEX, 32)}"}}',
    fake("apikey", HEX, 32),
)
pos(
    "name-vendor-key-high-entropy",
    "name",
    "gitleaks:generic-api-key",
    f'OPENWEATHER_KEY = "{fake("owm", HEX, 32)}"',
    fake("owm", HEX, 32),
)
pos(
    "name-basic-authorization",
    "name",
    "gitleaks:generic-api-key",
    f'headers = {{"Authorization": "Basic {base64.b64encode(b"etl:" + PASSWORDS[8].encode()).decode()}"}}',
    base64.b64encode(b"etl:" + PASSWORDS[8].encode()).decode(),
)
pos("name-wandb-login-key", "name", "gitleaks:generic-api-key", f'wandb.login(key="{RANDOM_HEX}")', RANDOM_HEX)
pos(
    "name-kaggle-json",
    "name",
    "gitleaks:generic-api-key",
    f'kaggle = {{"username": "ana", "key": "{KAGGLE_KEY}"}}',
    KAGGLE_KEY,
)
pos("name-telegram-bot-token", "name", "gitleaks:telegram-bot-api-token", f'BOT_TOKEN = "{TELEGRAM}"', TELEGRAM)
pos(
    "name-mlflow-password-environ",
    "name",
    "gitleaks:generic-api-key",
    f'os.environ["MLFLOW_TRACKING_PASSWORD"] = "{PASSWORDS[9]}"',
    PASSWORDS[9],
)
pos(
    "name-self-attribute-token",
    "name",
    "gitleaks:generic-api-key",
    f'class Api:\n    def __init__(self):\n        self.access_token = "{PASSWORDS[10]}"',
    PASSWORDS[10],
    (3,),
)
pos("name-annotated-secret", "name", "project", f'webhook_secret: str = "{PASSWORDS[11]}"', PASSWORDS[11])
pos(
    "name-uuid-api-token",
    "name",
    "gitleaks:generic-api-key",
    'api_token = "dafa7817-e246-48f3-91a7-e87653d587b8"',
    "dafa7817-e246-48f3-91a7-e87653d587b8",
)
pos(
    "name-sas-token",
    "name",
    "project",
    f'sas_token = "sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig={fake("sas", ALNUM, 43)}%3D"',
    fake("sas", ALNUM, 43),
)

# -- negatives: placeholders and documentation examples -----------------------------------------
neg("aws-docs-example", "aws", "gitleaks:aws-access-token", 'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"')
neg(
    "aws-docs-example-secret",
    "aws",
    "gitleaks:aws-access-token",
    'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
)
neg("aws-xxxx", "aws", "gitleaks:aws-access-token", 'key = "AKIAXXXXXXXXXXXXXXXX"')
neg(
    "aws-sequence",
    "aws",
    "detect-secrets:is_sequential_string",
    's3 = boto3.client("s3", aws_access_key_id="AKIA1234567890ABCDEF")',
)
neg("aws-lowercase-text", "aws", "gitleaks:aws-access-token", 'msg = "Näytä asiakirjamallikansio."')
neg("aws-wrong-length", "aws", "gitleaks:aws-access-token", 'slogan = "TODAYINASIAASACKOFRICEFELLOVER"')
neg("github-ghp-xxxx", "github", "gitleaks:github-pat", 'GITHUB_TOKEN = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"')
neg(
    "github-ghs-xxxx-positional",
    "github",
    "gitleaks:github-app-token",
    'g = Github("ghs_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")',
)
neg(
    "github-fine-grained-xxxx",
    "github",
    "gitleaks:github-fine-grained-pat",
    'tok = "github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
)
neg("github-your-token", "github", "project", 'GITHUB_TOKEN = "ghp_your_token_here"')
neg(
    "gitlab-xxxx",
    "gitlab",
    "gitleaks:gitlab-pat",
    'gl = gitlab.Gitlab(url, private_token="glpat-XXXXXXXXXXX-XXXXXXXX")',
)
neg(
    "slack-xxxx",
    "slack",
    "gitleaks:slack-bot-token",
    'client = WebClient(token="xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx")',
)
neg("slack-your-token", "slack", "project", 'SLACK_BOT_TOKEN = "xoxb-your-bot-token"')
neg(
    "slack-xoxo-in-image-url",
    "slack",
    "gitleaks:slack-legacy-token",
    'img = "https://indieweb.org/images/3/35/2018-250-xoxo-indieweb-1.jpg"',
)
neg(
    "slack-webhook-docs-placeholder",
    "slack",
    "project",
    'SLACK_WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"',
)
neg("stripe-docs-test-key", "stripe", "project", 'stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"')
neg("stripe-xxxx", "stripe", "project", 'stripe.api_key = "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"')
neg(
    "stripe-task-test-prefix",
    "stripe",
    "gitleaks:stripe-access-token",
    f'run = "task_test_{fake("task-test", ALNUM, 30)}"',
)
neg("stripe-publishable-live", "stripe", "project", f'STRIPE_PUBLISHABLE_KEY = "{PK_LIVE}"')
neg("stripe-publishable-test", "stripe", "project", f'elements = stripe_js("{PK_TEST}")')
neg("google-aaaa", "google", "gitleaks:gcp-api-key", 'apiKey = "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"')
neg(
    "google-alphabet",
    "google",
    "gitleaks:gcp-api-key",
    'gmaps = googlemaps.Client(key="AIzaSyabcdefghijklmnopqrstuvwxyz1234567")',
)
neg("google-wrong-case", "google", "gitleaks:gcp-api-key", 'print("AIZASYCO2CXRMC9ELSKLHLHRMBSWDEVEDZTLO2O")')
neg("google-too-long", "google", "gitleaks:gcp-api-key", 'blob = "AIzaTesb6Tscfcni8vIpWZqNCXFDFslJtVSvFDqabcd123"')
neg("google-xxxx", "google", "project", 'GOOGLE_API_KEY = "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"')
neg("openai-xxxx", "openai", "project", 'openai.api_key = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"')
neg("openai-your-key", "openai", "project", 'OPENAI_API_KEY = "sk-your-api-key-here"')
neg("openai-dots", "openai", "project", 'client = OpenAI(api_key="sk-...")')
neg("openai-risk-words", "openai", "project", 'title = "risk-adjusted-returns-by-sector-2020"')
neg(
    "huggingface-xxxx-default",
    "huggingface",
    "gitleaks:huggingface-access-token",
    'token = os.environ.get("HF_AUTH_TOKEN", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")',
)
neg(
    "huggingface-xxxx-name",
    "huggingface",
    "gitleaks:huggingface-access-token",
    'HUGGINGFACE_API_TOKEN = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
)
neg(
    "huggingface-identifier",
    "huggingface",
    "gitleaks:huggingface-access-token",
    'sel = "hf_requiredCharacteristicTypesForDisplayMetadata"',
)
neg(
    "huggingface-rhf-prefix",
    "huggingface",
    "gitleaks:huggingface-access-token",
    'css = "div[data-cel-widget=desktop-rhf_SponsoredProductsRemoteRHFSearchEXPSubsK2ClickPagination]"',
)
neg(
    "anthropic-xxxx",
    "anthropic",
    "project",
    "ANTHROPIC_API_KEY = "
    '"sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA"',
)
neg(
    "anthropic-too-short",
    "anthropic",
    "gitleaks:anthropic-api-key",
    'k = "sk-ant-api03-abc123xyz-456de-klMnopqrstuvwx-3456yza789bcde-1234fghijklmnopAA"',
)
neg(
    "azure-ad-xxxx",
    "azure",
    "gitleaks:azure-ad-client-secret",
    'cfg = "client_secret=bP88Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
)
neg(
    "azure-tilde-url",
    "azure",
    "gitleaks:azure-ad-client-secret",
    "url = 'http://www.2doc.nl/speel~VARA_101375237~mh17-het-verdriet-van-nederland~.html'",
)
neg(
    "azure-account-key-placeholder",
    "azure",
    "project",
    "conn = "
    '"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<your-account-key>;EndpointSuffix=core.windows.net"',
)
neg("npm-xxxx", "npm", "project", 'NPM_TOKEN = "npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"')
neg(
    "pypi-xxxx",
    "pypi",
    "project",
    "!twine upload -u __token__ -p pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx "
    "dist/*",
)
neg(
    "sendgrid-xxxx",
    "sendgrid",
    "project",
    'sg = SendGridAPIClient("SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")',
)
neg("twilio-zeros", "twilio", "project", 'TWILIO_API_KEY = "SK00000000000000000000000000000000"')
neg("twilio-task-hex", "twilio", "project", f'job = "TASK{fake("task-hex", HEX, 32)}"')
neg(
    "jwt-io-docs-example",
    "jwt",
    "project",
    "token_value = "
    '"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"',
)
neg(
    "private-key-header-only",
    "private-key",
    "gitleaks:private-key",
    'PEM = "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----"',
)
neg(
    "private-key-placeholder-body",
    "private-key",
    "project",
    'private_key = "-----BEGIN RSA PRIVATE KEY-----\\nYOUR_PRIVATE_KEY_HERE\\n-----END RSA PRIVATE KEY-----"',
)
neg(
    "public-key-block",
    "private-key",
    "project",
    f'pub = """-----BEGIN PUBLIC KEY-----\n{PEM_LINES}\n-----END PUBLIC KEY-----"""',
)
neg(
    "certificate-block",
    "private-key",
    "project",
    f'cert = """-----BEGIN CERTIFICATE-----\n{PEM_LINES}\n-----END CERTIFICATE-----"""',
)
neg(
    "ssh-public-key",
    "name",
    "gitleaks:generic-api-key",
    f'public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{fake("ed25519", B64, 43)} ana@laptop"',
)
neg(
    "url-password-template",
    "url-password",
    "project",
    'engine = create_engine("postgresql://user:password@localhost:5432/db")',
)
neg(
    "url-password-angle",
    "url-password",
    "detect-secrets:BasicAuthDetector",
    'client = MongoClient("mongodb+srv://admin:<password>@cluster0.mongodb.net/")',
)
neg(
    "url-password-format-braces",
    "url-password",
    "detect-secrets:BasicAuthDetector",
    'url = "postgresql://{user}:{pw}@{host}/db".format(user=u, pw=p, host=h)',
)
neg("url-password-fstring", "url-password", "project", 'url = f"postgresql://{user}:{pw}@{host}/db"')
neg(
    "url-password-env-vars",
    "url-password",
    "gitleaks:global-allowlist",
    'MONGO = "mongodb://${MONGO_USER}:${MONGO_PASS}@mongo:27017"',
)
neg("url-password-masked", "url-password", "project", 'r = redis.from_url("redis://:****@cache:6379/0")')
neg(
    "url-password-corpus-dots",
    "url-password",
    "corpus",
    "!git clone https://ana-b:...token...@huggingface.co/ana-b/policy-distilbert",
)
neg("url-user-only", "url-password", "project", 'repo = "https://ana@github.com/acme/etl.git"')
neg("url-port-no-userinfo", "url-password", "project", 'api = "https://example.com:8080/api/v1"')
neg(
    "conn-string-placeholder",
    "conn-string",
    "project",
    'conn = pyodbc.connect("Driver={ODBC Driver 18};Server=acme;Uid=etl;Pwd={password};")',
)

# -- negatives: placeholders bound to secret names ----------------------------------------------
neg("name-empty", "name", "detect-secrets:KeywordDetector", 'password = ""')
neg("name-your-key-angle", "name", "detect-secrets:is_templated_secret", 'api_key = "<your-key>"')
neg("name-dollar-brace", "name", "detect-secrets:is_templated_secret", 'GITHUB_TOKEN = "${GITHUB_TOKEN}"')
neg("name-dollar-var", "name", "detect-secrets:is_prefixed_with_dollar_sign", 'password = "$DB_PASSWORD"')
neg("name-jinja", "name", "gitleaks:global-allowlist", 'API_KEY = "{{ secrets.API_KEY }}"')
neg("name-percent-format", "name", "gitleaks:global-allowlist", 'PASSWORD = "%(db_password)s"')
neg("name-your-api-key", "name", "project", 'api_key = "YOUR_API_KEY"')
neg("name-changeme", "name", "project", 'ADMIN_PASSWORD = "changeme"')
neg("name-stars", "name", "detect-secrets:is_not_alphanumeric_string", 'secret = "********"')
neg("name-same-char", "name", "gitleaks:global-allowlist", 'password = "aaaaaaaa"')
neg("name-zeros", "name", "gitleaks:global-allowlist", 'api_key = "0000000000000000"')
neg("name-digit-sequence", "name", "detect-secrets:is_sequential_string", 'password = "12345678"')
neg("name-letter-sequence", "name", "detect-secrets:is_sequential_string", 'API_KEY = "abcdefghijklmnop"')
neg("name-value-is-word-password", "name", "project", 'password = "password"')
neg("name-indirect-environ", "name", "detect-secrets:is_indirect_reference", 'api_key = os.environ["API_KEY"]')
neg(
    "name-indirect-getpass",
    "name",
    "detect-secrets:is_indirect_reference",
    'token = getpass("Token: ")\nsecret = get_secret("prod/db")',
)
neg("name-true-string", "name", "detect-secrets:KeywordDetector", 'use_password = "True"')

# -- negatives: names that hold a secret's name, not a secret -----------------------------------
neg("holds-api-key-name", "name", "project", 'API_KEY_NAME = "OPENAI_API_KEY"')
neg("holds-secret-name", "name", "gitleaks:generic-api-key", 'SECRET_NAME = "prod/warehouse/password"')
neg("holds-llm-secret-name", "name", "gitleaks:generic-api-key", 'LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"')
neg("holds-access-key-id-var", "name", "project", 'AWS_ACCESS_KEY_ID_VAR = "AWS_ACCESS_KEY_ID"')
neg(
    "holds-env-var-name-value",
    "name",
    "project",
    'api_key = "OPENAI_API_KEY"\nclient = OpenAI(api_key=os.environ[api_key])',
)
neg("holds-password-field", "name", "project", 'password_field = "password"')
neg("holds-token-env", "name", "project", 'token_env = "HF_TOKEN"')
neg(
    "holds-secret-id-arn",
    "name",
    "gitleaks:generic-api-key",
    'secret_id = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"',
)
neg("holds-kms-key-id", "name", "gitleaks:generic-api-key", 'kms_key_id = "555ea4a3-d53a-4412-9c66-3a7cb667b0d6"')
neg("holds-api-key-header-name", "name", "project", 'api_key_header = "X-API-Key"')
neg("holds-password-prompt", "name", "project", 'PASSWORD_PROMPT = "Enter your password: "')
neg("holds-token-url", "name", "gitleaks:generic-api-key", 'TOKEN_URL = "https://oauth2.googleapis.com/token"')
neg(
    "holds-credentials-path",
    "name",
    "corpus",
    'os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "my_service_account_private_key.json"',
)
neg(
    "holds-credentials-abs-path",
    "name",
    "project",
    'credentials = service_account.Credentials.from_service_account_file("/content/keys/sa.json")\nkey_path = '
    '"/content/keys/sa.json"',
)
neg("holds-password-length", "name", "gitleaks:generic-api-key", 'password_length = "12"\nsecret_length = "32"')
neg(
    "holds-api-version",
    "name",
    "gitleaks:generic-api-key",
    'api_version = "2023-05-15"\nMantleAPI_version = "9a038989604e8da62ecddbe2094b16ce1b778be1"',
)
neg("holds-token-type", "name", "project", 'token_type = "Bearer"')
neg("holds-dbutils-secret-key-name", "name", "project", 'pw = dbutils.secrets.get(scope="ml-prod", key="db-password")')
neg("holds-auth-mechanism", "name", "project", 'conn = hive.connect(host="hive", auth="LDAP")')
neg("holds-author", "name", "gitleaks:generic-api-key", 'author = "james.fake@ymail.com"')
neg("holds-accessor", "name", "gitleaks:generic-api-key", 'accessor = "rA1wk0Y45YCufyfq"')
neg("holds-keyword", "name", "gitleaks:generic-api-key", 'keyword = "Befaehigung_P2"')
neg(
    "widget-password-type",
    "name",
    "project",
    'w = widgets.Password(description="Password:", placeholder="Enter password")',
)

# -- negatives: data keys and public keys -------------------------------------------------------
neg("data-primary-key", "name", "gitleaks:generic-api-key", 'primary_key = "customer_id"\nsort_key = "created_at"')
neg("data-s3-key", "name", "project", 's3_key = "raw/2023/events.parquet"')
neg("data-partition-key-random", "name", "project", f'partition_key = "{fake("partition", ALNUM, 24)}"')
neg(
    "data-public-token",
    "name",
    "gitleaks:generic-api-key",
    'publicToken = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"',
)
neg("data-csrf-token", "name", "gitleaks:generic-api-key", f'csrf_token = "{fake("csrf", ALNUM, 40)}"')
neg("data-page-token", "name", "project", 'resp = service.list(pageToken="CAUQAA")\nnext_page_token = "CAoQAA"')

# -- negatives: tokenizer vocabulary -------------------------------------------------------------
neg("tokenizer-pad-token", "name", "project", 'pad_token = "[PAD]"')
neg("tokenizer-eos-attribute", "name", "project", 'tokenizer.eos_token = "</s>"\ntokenizer.bos_token = "<s>"')
neg("tokenizer-keras-oov", "name", "project", 'tok = Tokenizer(num_words=5000, oov_token="<OOV>")')
neg(
    "tokenizer-special-tokens-dict",
    "name",
    "project",
    'tokenizer.add_special_tokens({"pad_token": "<pad>", "mask_token": "<mask>", "unk_token": "[UNK]"})',
)
neg("tokenizer-endoftext", "name", "project", 'bos_token = "<|endoftext|>"\nsep_token = "[SEP]"')
neg("tokenizer-bare-token-word", "name", "project", 'token = "hello"\ntokens = "the quick brown fox"')
neg("tokenizer-cls-keyword", "name", "project", 'tok = BertTokenizer(vocab, cls_token="[CLS]", sep_token="[SEP]")')

# -- negatives: high-entropy strings that are not credentials -----------------------------------
neg(
    "entropy-sha256-checksum",
    "entropy",
    "detect-secrets:HexHighEntropyString",
    f'EXPECTED_SHA256 = "{fake("sha256", HEX, 64)}"',
)
neg(
    "entropy-git-commit",
    "entropy",
    "detect-secrets:HexHighEntropyString",
    f"!pip install git+https://github.com/acme/etl.git@{fake('commit', HEX, 40)}",
)
neg(
    "entropy-run-uuid", "entropy", "detect-secrets:is_potential_uuid", 'run_id = "0f8fad5b-d9cb-469f-a165-70867728950e"'
)
neg(
    "entropy-md5-dict",
    "entropy",
    "detect-secrets:HexHighEntropyString",
    f'checksums = {{"train.csv": "{fake("md5", HEX, 32)}"}}',
)
neg(
    "entropy-base64-image",
    "entropy",
    "detect-secrets:Base64HighEntropyString",
    f'logo = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42{fake("png", B64, 40)}"',
)
neg(
    "entropy-model-id",
    "entropy",
    "project",
    'model_id = "sentence-transformers/all-MiniLM-L6-v2"\nAPI_URL = "https://api-inference.huggingface.co/models/gpt2"',
)
neg(
    "entropy-dataset-doi",
    "entropy",
    "project",
    'doi = "10.5281/zenodo.7654321"\nrevision = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"',
)

# -- held out: written after the detector, scored once before any change -------------------------
H = "held-out"
k = "sk-" + fake("h-oa", ALNUM, 48)
pos("h-openai-legacy-48", "openai", H, f'openai.api_key = "{k}"', k)
k = "sk-proj-" + fake("h-oa2", URLSAFE, 74) + "T3BlbkFJ" + fake("h-oa3", URLSAFE, 74)
pos("h-openai-environ", "openai", H, f'os.environ["OPENAI_API_KEY"] = "{k}"', k)
k = fake("h-kg", HEX, 32)
pos(
    "h-kaggle-key-environ",
    "name",
    H,
    f"os.environ['KAGGLE_USERNAME'] = 'ana'\nos.environ['KAGGLE_KEY'] = '{k}'",
    k,
    (2,),
)
k = "hf_" + fake("h-hf", LETTERS, 34)
pos("h-hf-export-shell", "huggingface", H, f"!export HF_TOKEN={k}", k)
k = "3f9c2a1e-7b4d-4e8f-9a6c-2d1b0e5f7a9c"
pos("h-pinecone-uuid", "name", H, f'pinecone.init(api_key="{k}", environment="us-west1-gcp")', k)
k = fake("h-co", ALNUM, 40)
pos(
    "h-cohere-positional", "generic", H, f'co = cohere.Client("{k}")', k, known_miss=True
)  # no shape, no name: only an entropy rule on every literal would see it
pos(
    "h-mysql-passwd-keyword",
    "name",
    H,
    'db = mysql.connector.connect(host="localhost", user="root", passwd="Mysql@2023")',
    "Mysql@2023",
)
k = fake("h-tg1", DIGITS, 10) + ":AA" + fake("h-tg2", URLSAFE, 33)
pos("h-telegram-token", "name", H, f'TELEGRAM_TOKEN = "{k}"', k)
k = fake("h-dc1", ALNUM, 24) + "." + fake("h-dc2", URLSAFE, 6) + "." + fake("h-dc3", URLSAFE, 38)
pos("h-discord-token", "name", H, f'DISCORD_TOKEN = "{k}"', k)
k = "ghp_" + fake("h-gh", ALNUM, 36)
pos("h-github-token-header", "github", H, f'headers = {{"Authorization": "token {k}"}}', k)
k = fake("h-sp", HEX, 32)
pos(
    "h-spotify-client-secret",
    "name",
    H,
    f'sp = spotipy.Spotify(auth_manager=SpotifyClientCredentials(client_id="{fake("h-spid", HEX, 32)}", '
    f'client_secret="{k}"))',
    k,
)
k = fake("h-rd", ALNUM, 12)
pos(
    "h-reddit-password",
    "name",
    H,
    f'reddit = praw.Reddit(client_id="abc", client_secret="{fake("h-rs", URLSAFE, 30)}", user_agent="nb", '
    f'username="ana", password="{k}")',
    k,
)
k = fake("h-tw", ALNUM, 50)
pos(
    "h-twitter-consumer-secret",
    "name",
    H,
    f'consumer_secret = "{k}"\naccess_token_secret = "{fake("h-tw2", ALNUM, 45)}"',
    k,
    (1, 2),
)
k = "AAAAAAAAAAAAAAAAAAAAA" + fake("h-twb", ALNUM + "%", 90)
pos("h-twitter-bearer", "name", H, f'bearer_token = "{k}"', k[30:])
pos(
    "h-libpq-dsn-password",
    "conn-string",
    H,
    'conn = psycopg2.connect("dbname=sales user=etl password=Sup3r-S3cret host=db")',
    "Sup3r-S3cret",
)
k = fake("h-az", HEX, 32)
pos("h-azure-openai-key", "name", H, f'AZURE_OPENAI_KEY = "{k}"', k)
k = fake("h-az2", HEX, 32)
pos(
    "h-azure-openai-keyword",
    "name",
    H,
    f'client = AzureOpenAI(api_key="{k}", api_version="2024-02-01", azure_endpoint=endpoint)',
    k,
)
k = "AIzaSy" + fake("h-gm", URLSAFE, 33)
pos("h-gemini-configure", "google", H, f'genai.configure(api_key="{k}")', k)
k = "r8_" + fake("h-rp", ALNUM, 37)
pos("h-replicate-token", "name", H, f'replicate_api_token = "{k}"', k)
k = "lsv2_pt_" + fake("h-ls", HEX, 32) + "_" + fake("h-ls2", HEX, 10)
pos("h-langchain-key", "name", H, f'LANGCHAIN_API_KEY = "{k}"', k)
k = "AKIA" + fake("h-aws", BASE32, 16)
pos(
    "h-boto3-resource",
    "aws",
    H,
    f"s3 = boto3.resource('s3', aws_access_key_id='{k}', aws_secret_access_key='{fake('h-aws2', B64, 40)}')",
    k,
)
pos(
    "h-gmail-app-password",
    "positional",
    H,
    'server.login("me@gmail.com", "abcd efgh ijkl mnop")',
    "abcd efgh ijkl mnop",
)
pos("h-http-basic-auth-positional", "positional", H, 'auth = HTTPBasicAuth("admin", "Adm1n-2024")', "Adm1n-2024")
pos(
    "h-requests-auth-tuple",
    "positional",
    H,
    'r = requests.get(url, auth=("ana", "P@ssw0rd-77"))',
    "P@ssw0rd-77",
    known_miss=True,
)  # a tuple is not a literal binding in the facts
k = fake("h-pg", HEX, 12)
pos(
    "h-heroku-database-url",
    "url-password",
    H,
    f'DATABASE_URL = "postgres://u_4k2:{k}@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8k"',
    k,
)
k = "django-insecure-" + fake("h-dj", ALNUM + "!@#%^&*(-_=+)", 50)
pos("h-django-secret-key", "name", H, f'SECRET_KEY = "{k}"', k[20:])
neg("h-input-password", "name", H, 'password = input("Password: ")')
neg("h-colab-userdata", "name", H, 'api_key = userdata.get("OPENAI_API_KEY")')
neg("h-use-auth-token-true", "name", H, 'tok = AutoTokenizer.from_pretrained("bert-base-uncased", use_auth_token=True)')
neg("h-hf-token-placeholder", "name", H, 'hf_token = "<your-hf-token>"')
neg("h-empty-key", "name", H, 'OPENAI_API_KEY = ""')
neg("h-fernet-generate", "name", H, "secret_key = Fernet.generate_key()")
neg(
    "h-column-password",
    "name",
    H,
    'df["password"] = df["password"].str.strip()\ndf = df.rename(columns={"pwd": "password"})',
)
neg("h-compare-unk-token", "name", H, 'rare = df[df["token"] == "<unk>"]')
neg("h-hangman-secret-word", "name", H, 'secret_word = "banana"')
neg("h-oauth-url", "name", H, 'access_token_url = "https://api.twitter.com/oauth/access_token"')
neg("h-groupby-key", "name", H, 'key = "species"\ngrouped = df.groupby(key)')
neg(
    "h-hash-key",
    "name",
    H,
    'hash_key = "d41d8cd98f00b204e9800998ecf8427e"\ncache_key = "7c4a8d09ca3762af61e59520943dc26494f8941b"',
)
neg("h-commit-sha-dict", "entropy", H, 'meta = {"sha": "9fceb02d0ae598e95dc970b74767f19372d61af8"}')
neg("h-gemini-model-name", "name", H, 'model = genai.GenerativeModel("gemini-1.5-flash")')
neg("h-bcrypt-hash", "name", H, f'passwd_hash = "$2b$12${fake("h-bc", ALNUM + "./", 53)}"')
neg("h-password-regex", "name", H, 'PASSWORD_REGEX = r"^(?=.*[A-Z]).{8,}$"')
neg(
    "h-count-vectorizer-token-pattern",
    "name",
    H,
    'vec = CountVectorizer(token_pattern=r"(?u)\\b\\w\\w+\\b")\ntoken_pattern = r"\\b[a-zA-Z]{3,}\\b"',
)
neg("h-split-token", "name", H, 'split_token = "|"')
neg(
    "h-mapbox-public-token",
    "jwt",
    H,
    f'px.set_mapbox_access_token("pk.eyJ1IjoiYW5hIiwiYSI6ImNr{fake("h-mb", ALNUM, 18)}.{fake("h-mb2", URLSAFE, 22)}")',
)
neg("h-akia-literal-check", "aws", H, 'is_aws = "AKIA" in line')
neg("h-api-key-env-name", "name", H, 'api_key_env = "OPENAI_API_KEY"')
neg("h-github-actions-expression", "name", H, 'password = "${{ secrets.DB_PASSWORD }}"')
neg(
    "h-mssql-docs-password",
    "url-password",
    H,
    "engine = "
    "sqlalchemy.create_engine('mssql+pyodbc://sa:YourStrong!Passw0rd@localhost:1433/db?driver=ODBC+Driver+17')",
)
neg("h-docker-example-password", "url-password", H, 'client = MongoClient("mongodb://root:example@mongo:27017/")')
neg(
    "h-tokenizer-kwargs", "name", H, 'enc = tokenizer(text, return_tensors="pt", padding="max_length", truncation=True)'
)
neg("h-nltk-download", "entropy", H, 'nltk.download("punkt")\nnltk.download("stopwords")')
