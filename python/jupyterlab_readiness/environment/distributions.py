"""Which distributions can provide an import name.

The ``unpinned-import`` check needs the distribution behind ``import sklearn`` (``scikit-learn``)
even on a CI runner where nothing the notebook imports is installed, so the installed
environment's metadata is completed by a curated table of the common names that differ.
"""

from __future__ import annotations

from .installed import Installed, installed
from .pep503 import normalize

_OPENCV = (
    "opencv-python",
    "opencv-python-headless",
    "opencv-contrib-python",
    "opencv-contrib-python-headless",
)
_TENSORFLOW = ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos", "tf-nightly")
_PYWIN32 = ("pywin32",)
_GDAL = ("gdal",)
_MATPLOTLIB = ("matplotlib",)
_SETUPTOOLS = ("setuptools",)
_CYTHON = ("cython",)
_BLINKA = ("adafruit-blinka",)

# Import name (or dotted module path, matched by longest prefix) -> distributions that provide it,
# most common first. Keys are case-sensitive import names; values are PEP 503 normalised. The
# entries that matter are names the fallback (the normalised top-level name) gets wrong and names
# several distributions provide; common imports that differ from their distribution only in case
# or separators (``huggingface_hub``) are listed too so the table reads as a complete reference.
IMPORT_TO_DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    # Scientific stack and machine learning
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "skopt": ("scikit-optimize",),
    "skfuzzy": ("scikit-fuzzy",),
    "skmultilearn": ("scikit-multilearn",),
    "sklearn_extra": ("scikit-learn-extra",),
    "sklearn_pandas": ("sklearn-pandas",),
    "sklearn_crfsuite": ("sklearn-crfsuite",),
    "scikit_posthocs": ("scikit-posthocs",),
    "skvideo": ("scikit-video",),
    "surprise": ("scikit-surprise",),
    "autosklearn": ("auto-sklearn",),
    "imblearn": ("imbalanced-learn",),
    "category_encoders": ("category-encoders",),
    "umap": ("umap-learn",),
    "bayes_opt": ("bayesian-optimization",),
    "fcmeans": ("fuzzy-c-means",),
    "pycrfsuite": ("python-crfsuite",),
    "mpl_toolkits": _MATPLOTLIB,
    "mpl_toolkits.basemap": ("basemap",),
    "pylab": _MATPLOTLIB,
    "Cython": _CYTHON,
    "cython": _CYTHON,
    "pyximport": _CYTHON,
    "cupy": ("cupy", "cupy-cuda12x", "cupy-cuda11x"),
    "netCDF4": ("netcdf4",),
    "SimpleITK": ("simpleitk",),
    "Bio": ("biopython",),
    "BioSQL": ("biopython",),
    "rdkit": ("rdkit", "rdkit-pypi"),
    "janitor": ("pyjanitor",),
    "pandas_datareader": ("pandas-datareader",),
    "pandas_profiling": ("pandas-profiling",),
    "ydata_profiling": ("ydata-profiling",),
    "great_expectations": ("great-expectations",),
    "darts": ("u8darts", "darts"),
    "stan": ("pystan",),
    "community": ("python-louvain",),
    "igraph": ("igraph", "python-igraph"),
    "memory_profiler": ("memory-profiler",),
    "line_profiler": ("line-profiler",),
    "pyLDAvis": ("pyldavis",),
    "vaderSentiment": ("vadersentiment",),
    "deep_translator": ("deep-translator",),
    "spacy_transformers": ("spacy-transformers",),
    # Deep learning and the TensorFlow / PyTorch / JAX ecosystems
    "tensorflow": _TENSORFLOW,
    "tensorflow_probability": ("tensorflow-probability",),
    "tensorflow_datasets": ("tensorflow-datasets",),
    "tensorflow_hub": ("tensorflow-hub",),
    "tensorflow_addons": ("tensorflow-addons",),
    "tensorflow_text": ("tensorflow-text",),
    "tf_keras": ("tf-keras",),
    "keras_tuner": ("keras-tuner",),
    "kerastuner": ("keras-tuner",),
    "keras_ocr": ("keras-ocr",),
    "tensorboardX": ("tensorboardx",),
    "absl": ("absl-py",),
    "pytorch_lightning": ("pytorch-lightning", "lightning"),
    "pl_bolts": ("lightning-bolts", "pytorch-lightning-bolts"),
    "ignite": ("pytorch-ignite",),
    "pytorch_tabnet": ("pytorch-tabnet",),
    "torch_geometric": ("torch-geometric",),
    "segmentation_models_pytorch": ("segmentation-models-pytorch",),
    "haiku": ("dm-haiku",),
    "tree": ("dm-tree",),
    "sonnet": ("dm-sonnet",),
    "dm_control": ("dm-control",),
    "dm_env": ("dm-env",),
    "paddle": ("paddlepaddle", "paddlepaddle-gpu"),
    "onnxruntime": ("onnxruntime", "onnxruntime-gpu"),
    "faiss": ("faiss-cpu", "faiss-gpu"),
    "sentence_transformers": ("sentence-transformers",),
    "huggingface_hub": ("huggingface-hub",),
    "llama_cpp": ("llama-cpp-python",),
    "whisper": ("openai-whisper", "whisper"),
    "face_recognition": ("face-recognition",),
    "stable_baselines3": ("stable-baselines3",),
    "sb3_contrib": ("sb3-contrib",),
    "ale_py": ("ale-py",),
    "Box2D": ("box2d-py", "box2d"),
    "pyspiel": ("open-spiel",),
    # LLM tooling and vector stores
    "langchain_core": ("langchain-core",),
    "langchain_community": ("langchain-community",),
    "langchain_openai": ("langchain-openai",),
    "langchain_anthropic": ("langchain-anthropic",),
    "langchain_text_splitters": ("langchain-text-splitters",),
    "llama_index": ("llama-index", "llama-index-core"),
    "qdrant_client": ("qdrant-client",),
    "weaviate": ("weaviate-client",),
    "pinecone": ("pinecone", "pinecone-client"),
    # Experiment tracking, orchestration, configuration
    "comet_ml": ("comet-ml",),
    "sentry_sdk": ("sentry-sdk",),
    "airflow": ("apache-airflow",),
    "apache_beam": ("apache-beam",),
    "pyflink": ("apache-flink",),
    "hydra": ("hydra-core",),
    "dotenv": ("python-dotenv",),
    "decouple": ("python-decouple",),
    "environ": ("django-environ", "environ-config"),
    "yaml": ("pyyaml",),
    "ruamel": ("ruamel-yaml",),
    "ruamel.yaml": ("ruamel-yaml",),
    "frontmatter": ("python-frontmatter",),
    "attr": ("attrs",),
    "cattr": ("cattrs",),
    "dateutil": ("python-dateutil",),
    "slugify": ("python-slugify",),
    "magic": ("python-magic",),
    "pkg_resources": _SETUPTOOLS,
    "_distutils_hack": _SETUPTOOLS,
    "_pytest": ("pytest",),
    "PyInstaller": ("pyinstaller",),
    "scrapbook": ("nteract-scrapbook",),
    "IPython": ("ipython",),
    "jupyter": ("jupyter-core",),
    "zmq": ("pyzmq",),
    # Data access: databases, clouds, message queues
    "MySQLdb": ("mysqlclient",),
    "mysql.connector": ("mysql-connector-python",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "cx_Oracle": ("cx-oracle",),
    "bson": ("pymongo",),
    "gridfs": ("pymongo",),
    "cassandra": ("cassandra-driver",),
    "clickhouse_driver": ("clickhouse-driver",),
    "clickhouse_connect": ("clickhouse-connect",),
    "redshift_connector": ("redshift-connector",),
    "influxdb_client": ("influxdb-client",),
    "sqlalchemy_utils": ("sqlalchemy-utils",),
    "snowflake.connector": ("snowflake-connector-python",),
    "snowflake.snowpark": ("snowflake-snowpark-python",),
    "databricks.sql": ("databricks-sql-connector",),
    "databricks.sdk": ("databricks-sdk",),
    "databricks.connect": ("databricks-connect",),
    "delta": ("delta-spark",),
    "smart_open": ("smart-open",),
    "kafka": ("kafka-python", "kafka-python-ng"),
    "confluent_kafka": ("confluent-kafka",),
    "pulsar": ("pulsar-client",),
    "nats": ("nats-py",),
    "paho": ("paho-mqtt",),
    "grpc": ("grpcio",),
    "grpc_tools": ("grpcio-tools",),
    "avro": ("avro", "avro-python3"),
    "snappy": ("python-snappy",),
    "brotli": ("brotli", "brotlipy"),
    "googleapiclient": ("google-api-python-client",),
    "apiclient": ("google-api-python-client",),
    "google_auth_oauthlib": ("google-auth-oauthlib",),
    "google.auth": ("google-auth",),
    "google.oauth2": ("google-auth",),
    "google.protobuf": ("protobuf",),
    "google.api_core": ("google-api-core",),
    "google.generativeai": ("google-generativeai",),
    "google.genai": ("google-genai",),
    "google.cloud.storage": ("google-cloud-storage",),
    "google.cloud.bigquery": ("google-cloud-bigquery",),
    "google.cloud.bigquery_storage": ("google-cloud-bigquery-storage",),
    "google.cloud.pubsub": ("google-cloud-pubsub",),
    "google.cloud.pubsub_v1": ("google-cloud-pubsub",),
    "google.cloud.firestore": ("google-cloud-firestore",),
    "google.cloud.aiplatform": ("google-cloud-aiplatform",),
    "google.cloud.secretmanager": ("google-cloud-secret-manager",),
    "google.cloud.translate": ("google-cloud-translate",),
    "google.cloud.vision": ("google-cloud-vision",),
    "google.cloud.speech": ("google-cloud-speech",),
    "google.cloud.language": ("google-cloud-language",),
    "google.cloud.bigtable": ("google-cloud-bigtable",),
    "google.cloud.spanner": ("google-cloud-spanner",),
    "google.cloud.logging": ("google-cloud-logging",),
    "google.cloud.datastore": ("google-cloud-datastore",),
    "google.cloud.kms": ("google-cloud-kms",),
    "azure.core": ("azure-core",),
    "azure.identity": ("azure-identity",),
    "azure.storage.blob": ("azure-storage-blob",),
    "azure.storage.queue": ("azure-storage-queue",),
    "azure.storage.filedatalake": ("azure-storage-file-datalake",),
    "azure.storage.fileshare": ("azure-storage-file-share",),
    "azure.keyvault.secrets": ("azure-keyvault-secrets",),
    "azure.cosmos": ("azure-cosmos",),
    "azure.eventhub": ("azure-eventhub",),
    "azure.servicebus": ("azure-servicebus",),
    "azure.functions": ("azure-functions",),
    "azure.ai.ml": ("azure-ai-ml",),
    "azureml.core": ("azureml-core",),
    # Documents, media, imaging
    "PIL": ("pillow",),
    "cv2": _OPENCV,
    "fitz": ("pymupdf",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "odf": ("odfpy",),
    "PyPDF2": ("pypdf2",),
    "pdfminer": ("pdfminer-six", "pdfminer"),
    "tabula": ("tabula-py",),
    "camelot": ("camelot-py",),
    "fpdf": ("fpdf2", "fpdf"),
    "barcode": ("python-barcode",),
    "cairo": ("pycairo",),
    "soundfile": ("soundfile", "pysoundfile"),
    "speech_recognition": ("speechrecognition",),
    "ffmpeg": ("ffmpeg-python",),
    "vlc": ("python-vlc",),
    "yt_dlp": ("yt-dlp",),
    "youtube_dl": ("youtube-dl",),
    "OpenGL": ("pyopengl",),
    "osgeo": _GDAL,
    "ogr": _GDAL,
    "osr": _GDAL,
    # Web, networking, scraping, messaging
    "bs4": ("beautifulsoup4",),
    "jwt": ("pyjwt",),
    "jose": ("python-jose",),
    "OpenSSL": ("pyopenssl",),
    "nacl": ("pynacl",),
    "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",),
    "socks": ("pysocks",),
    "dns": ("dnspython",),
    "ldap": ("python-ldap",),
    "memcache": ("python-memcached",),
    "websocket": ("websocket-client",),
    "socketio": ("python-socketio",),
    "engineio": ("python-engineio",),
    "multipart": ("python-multipart", "multipart"),
    "python_multipart": ("python-multipart",),
    "rest_framework": ("djangorestframework",),
    "corsheaders": ("django-cors-headers",),
    "flask_cors": ("flask-cors",),
    "flask_sqlalchemy": ("flask-sqlalchemy",),
    "flask_login": ("flask-login",),
    "pydantic_settings": ("pydantic-settings",),
    "email_validator": ("email-validator",),
    "requests_oauthlib": ("requests-oauthlib",),
    "requests_toolbelt": ("requests-toolbelt",),
    "requests_html": ("requests-html",),
    "webdriver_manager": ("webdriver-manager",),
    "newspaper": ("newspaper3k", "newspaper4k"),
    "readability": ("readability-lxml",),
    "github": ("pygithub",),
    "git": ("gitpython",),
    "telegram": ("python-telegram-bot",),
    "discord": ("discord-py",),
    "slack": ("slackclient",),
    "slack_sdk": ("slack-sdk",),
    "slack_bolt": ("slack-bolt",),
    "facebook": ("facebook-sdk",),
    "binance": ("python-binance",),
    "alpha_vantage": ("alpha-vantage",),
    "nasdaqdatalink": ("nasdaq-data-link",),
    "talib": ("ta-lib",),
    "whois": ("python-whois", "whois"),
    "nmap": ("python-nmap",),
    # Hardware, desktop and OS bindings
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "can": ("python-can",),
    "snap7": ("python-snap7",),
    "bluetooth": ("pybluez",),
    "RPi": ("rpi-gpio",),
    "board": _BLINKA,
    "busio": _BLINKA,
    "digitalio": _BLINKA,
    "gi": ("pygobject",),
    "wx": ("wxpython",),
    "jnius": ("pyjnius",),
    "Xlib": ("python-xlib",),
    "win32api": _PYWIN32,
    "win32con": _PYWIN32,
    "win32gui": _PYWIN32,
    "win32com": _PYWIN32,
    "pythoncom": _PYWIN32,
    "pywintypes": _PYWIN32,
    # Text and fuzzy matching
    "Levenshtein": ("levenshtein", "python-levenshtein"),
}


def _curated_match(module: str) -> tuple[str, tuple[str, ...]]:
    """The longest dotted prefix of ``module`` in the table, and its distributions."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in IMPORT_TO_DISTRIBUTIONS:
            return prefix, IMPORT_TO_DISTRIBUTIONS[prefix]
    return "", ()


def distributions_for(module: str, env: Installed | None = None) -> tuple[str, ...]:
    """Normalised distributions that can provide ``module`` (a dotted path or a top-level name),
    in ``env`` (by default the environment as it is now).

    Installed metadata first, then the curated table, de-duplicated; the normalised top-level
    name when neither knows the module.
    """
    env = installed() if env is None else env
    known = _answers(env)[0]
    found = known.get(module)
    if found is None:
        found = known[module] = _distributions(module, env)
    return found


def installed_version(dist: str, env: Installed | None = None) -> str | None:
    """Version of the installed distribution ``dist`` in ``env`` (by default the environment as it
    is now), or None when it is not installed."""
    env = installed() if env is None else env
    known = _answers(env)[1]
    if dist not in known:
        known[dist] = env.versions.get(normalize(dist))
    return known[dist]


def _distributions(module: str, env: Installed) -> tuple[str, ...]:
    top = module.split(".", 1)[0]
    key, curated = _curated_match(module)
    if "." in key:
        # Installed metadata only knows top-level names; for a namespace package such as
        # ``google`` that is every google-* distribution, so a submodule entry is more exact.
        return curated
    found = env.modules.get(top, ()) + curated
    return tuple(dict.fromkeys(found)) or (normalize(top),)


# Answers are kept for one index at a time: an index is a snapshot, so they never go stale, and a
# server that lives through a `pip install` gets a new index and answers afresh.
_last: tuple[Installed, dict[str, tuple[str, ...]], dict[str, str | None]] | None = None


def _answers(env: Installed) -> tuple[dict[str, tuple[str, ...]], dict[str, str | None]]:
    global _last
    last = _last
    if last is None or last[0] is not env:
        last = _last = (env, {}, {})
    return last[1], last[2]
