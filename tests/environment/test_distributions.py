import importlib.metadata

import pytest

from jupyterlab_readiness.environment.distributions import (
    IMPORT_TO_DISTRIBUTIONS,
    distributions_for,
    installed_version,
    normalize,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("PyYAML", "pyyaml"),
        ("ruamel.yaml", "ruamel-yaml"),
        ("discord.py", "discord-py"),
        ("zope__interface", "zope-interface"),
        ("Foo-_.Bar", "foo-bar"),
    ],
)
def test_normalize(name, expected):
    assert normalize(name) == expected


def test_table_is_large_and_normalized():
    assert len(IMPORT_TO_DISTRIBUTIONS) >= 150
    for module, dists in IMPORT_TO_DISTRIBUTIONS.items():
        assert dists, module
        assert all(normalize(dist) == dist for dist in dists), module
        assert len(set(dists)) == len(dists), module
        assert module == module.strip() and " " not in module


def test_table_has_150_names_the_fallback_gets_wrong():
    differing = [
        module for module, dists in IMPORT_TO_DISTRIBUTIONS.items() if dists != (normalize(module.split(".")[0]),)
    ]
    assert len(differing) >= 150


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("sklearn", ("scikit-learn",)),
        (
            "cv2",
            (
                "opencv-python",
                "opencv-python-headless",
                "opencv-contrib-python",
                "opencv-contrib-python-headless",
            ),
        ),
        ("yaml", ("pyyaml",)),
        ("bs4", ("beautifulsoup4",)),
        ("PIL", ("pillow",)),
        ("dateutil", ("python-dateutil",)),
        ("skimage", ("scikit-image",)),
        ("Crypto", ("pycryptodome", "pycrypto")),
        ("dotenv", ("python-dotenv",)),
        ("attr", ("attrs",)),
        ("jwt", ("pyjwt",)),
        ("magic", ("python-magic",)),
        ("serial", ("pyserial",)),
        ("usb", ("pyusb",)),
        ("gi", ("pygobject",)),
        ("wx", ("wxpython",)),
        ("OpenGL", ("pyopengl",)),
        ("MySQLdb", ("mysqlclient",)),
        ("psycopg2", ("psycopg2", "psycopg2-binary")),
        ("docx", ("python-docx",)),
        ("pptx", ("python-pptx",)),
        ("Levenshtein", ("levenshtein", "python-levenshtein")),
        ("fitz", ("pymupdf",)),
        (
            "tensorflow",
            ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos", "tf-nightly"),
        ),
        ("umap", ("umap-learn",)),
        ("mpl_toolkits", ("matplotlib",)),
        ("pylab", ("matplotlib",)),
        ("IPython", ("ipython",)),
        ("zmq", ("pyzmq",)),
        ("win32api", ("pywin32",)),
        ("Bio", ("biopython",)),
        ("osgeo", ("gdal",)),
        ("telegram", ("python-telegram-bot",)),
        ("discord", ("discord-py",)),
        ("slugify", ("python-slugify",)),
        ("jose", ("python-jose",)),
        ("ruamel", ("ruamel-yaml",)),
        ("pkg_resources", ("setuptools",)),
        ("_pytest", ("pytest",)),
        ("tensorflow_probability", ("tensorflow-probability",)),
        ("huggingface_hub", ("huggingface-hub",)),
        ("Cython", ("cython",)),
        ("imblearn", ("imbalanced-learn",)),
        ("bson", ("pymongo",)),
        ("cx_Oracle", ("cx-oracle",)),
        ("googleapiclient", ("google-api-python-client",)),
        ("cairo", ("pycairo",)),
        ("Xlib", ("python-xlib",)),
        ("speech_recognition", ("speechrecognition",)),
        ("pdfminer", ("pdfminer-six", "pdfminer")),
        ("PyPDF2", ("pypdf2",)),
        ("tabula", ("tabula-py",)),
        ("camelot", ("camelot-py",)),
        ("odf", ("odfpy",)),
    ],
)
def test_curated_mappings(module, expected):
    assert IMPORT_TO_DISTRIBUTIONS[module] == expected


def test_multipart_includes_python_multipart():
    assert "python-multipart" in IMPORT_TO_DISTRIBUTIONS["multipart"]


def test_submodule_uses_top_level_entry():
    assert distributions_for("sklearn.linear_model") == ("scikit-learn",)
    assert distributions_for("mpl_toolkits.mplot3d") == ("matplotlib",)


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("google.cloud.storage", ("google-cloud-storage",)),
        ("google.cloud.storage.blob", ("google-cloud-storage",)),
        ("google.cloud.bigquery", ("google-cloud-bigquery",)),
        ("google.cloud.bigquery_storage", ("google-cloud-bigquery-storage",)),
        ("google.protobuf.json_format", ("protobuf",)),
        ("azure.storage.blob", ("azure-storage-blob",)),
        ("snowflake.connector", ("snowflake-connector-python",)),
        ("mpl_toolkits.basemap", ("basemap",)),
    ],
)
def test_longest_dotted_prefix_wins(module, expected):
    assert distributions_for(module) == expected


def test_installed_metadata_is_used():
    # PyYAML and pytest are installed here; the installed name comes back normalised.
    assert distributions_for("yaml") == ("pyyaml",)
    assert distributions_for("_pytest") == ("pytest",)
    assert distributions_for("packaging.version") == ("packaging",)


def test_installed_comes_before_curated(fake_site):
    fake_site("opencv_python_headless-4.9.0.80", "cv2/__init__.py")
    assert distributions_for("cv2") == (
        "opencv-python-headless",
        "opencv-python",
        "opencv-contrib-python",
        "opencv-contrib-python-headless",
    )


def test_unknown_module_falls_back_to_its_normalized_top_level():
    assert distributions_for("No_Such_Module_xyz.sub") == ("no-such-module-xyz",)


def test_installed_version():
    assert installed_version("pyyaml") == importlib.metadata.version("PyYAML")
    assert installed_version("packaging") == importlib.metadata.version("packaging")
    assert installed_version("no-such-distribution-xyz") is None
