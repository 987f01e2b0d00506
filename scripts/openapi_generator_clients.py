"""The Go and Java clients that `make generate` writes with openapi-generator (generated/go,
generated/java): their settings, and what is left out so that both build offline from
Debian's packages (golang-go; Jackson, jsr305 and the javax.annotation API as jars).

openapi-generator comes from the pinned PyPI package `openapi-generator-cli`, whose wheel
carries the jar; it needs Java 17+ (scripts/generator_matrix.py checks that).
"""

from __future__ import annotations

import importlib.resources
import shutil
import subprocess
import zipfile
from pathlib import Path

from versions import go_module, spec_version

GO_PACKAGE = "ekodigilocker"
JAVA_PACKAGE = "eko.digilocker.client"
JAVA_GROUP = "eko.digilocker"
JAVA_ARTIFACT = "eko-digilocker-client"

# Left out of the output (an .openapi-generator-ignore written before generating, and kept
# in the output so that a reader sees it): generated test stubs that need testify/JUnit and
# only skip, CI and git helpers of the generator's own, other build systems than the one
# each language's users run, and Java's JSR-310 date-time support (the spec has no date-time
# field, and Debian packages no jackson-datatype-jsr310).
GO_IGNORE = ["test/**", ".travis.yml", "git_push.sh"]
JAVA_IGNORE = [
    "src/test/**",
    ".travis.yml",
    ".github/**",
    "git_push.sh",
    "build.gradle",
    "build.sbt",
    "settings.gradle",
    "gradle.properties",
    "gradle/**",
    "gradlew",
    "gradlew.bat",
    "src/main/AndroidManifest.xml",
    "src/main/java/eko/digilocker/client/RFC3339InstantDeserializer.java",
    "src/main/java/eko/digilocker/client/RFC3339JavaTimeModule.java",
]

# The go target's go.mod template says `go 1.23`, which Go 1.21+ enforces as a minimum:
# offline, a user on Go 1.19..1.22 could not build. Every Go module of this repository
# says GO_VERSION instead (the lowest that builds them: the overlay uses sync/atomic's
# typed values, new in 1.19); the README's "Go 1.19+" says the same.
GO_VERSION = "1.19"
GO_MOD_TEMPLATE = "go/go.mod.mustache"
GO_MOD_LINE = "go 1.23"


def go_templates(folder: Path) -> Path:
    """The pinned generator's go.mod template with GO_VERSION; a generator whose template
    no longer has GO_MOD_LINE fails the build, so the version cannot drift unseen."""
    with zipfile.ZipFile(generator_jar()) as jar:
        lines = jar.read(GO_MOD_TEMPLATE).decode("utf-8").split("\n")
    if GO_MOD_LINE not in lines:
        raise SystemExit(
            f"{GO_MOD_TEMPLATE} of this openapi-generator lacks {GO_MOD_LINE!r}: recheck"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "go.mod.mustache").write_text(
        "\n".join(f"go {GO_VERSION}" if line == GO_MOD_LINE else line for line in lines),
        encoding="utf-8",
    )
    return folder


# The native library's templates register Jackson's JavaTimeModule whatever the options
# (dateLibrary=legacy included; only useJackson3 avoids it, and Debian has no Jackson 3).
# These lines of the pinned generator's own templates are dropped; a generator whose
# templates no longer carry one of them fails the build, so the list cannot go stale.
JAVA_TEMPLATE_CUTS = {
    "Java/libraries/native/ApiClient.mustache": [
        "import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;",
        "    mapper.registerModule(new JavaTimeModule());",
        "    mapper.registerModule(new RFC3339JavaTimeModule());",
    ],
    "Java/libraries/native/JSON.mustache": [
        "import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;",
        "        .addModule(new JavaTimeModule())",
    ],
}


def generator_jar() -> Path:
    return Path(str(importlib.resources.files("openapi_generator_cli") / "openapi-generator.jar"))


def run_generator(spec_path: Path, out: Path, ignore: list[str], arguments: list[str]) -> None:
    out.mkdir(parents=True)
    (out / ".openapi-generator-ignore").write_text(
        "# Written by scripts/openapi_generator_clients.py (see why there).\n"
        + "".join(f"{pattern}\n" for pattern in ignore),
        encoding="utf-8",
    )
    java = shutil.which("java") or "java"
    result = subprocess.run(
        [
            java,
            "-XX:TieredStopAtLevel=1",  # a short run: starts faster
            "-jar",
            str(generator_jar()),
            "generate",
            "--input-spec",
            str(spec_path),
            "--output",
            str(out),
            *arguments,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"openapi-generator failed:\n{result.stdout}{result.stderr}")


def build_go(out: Path, spec_path: Path, work: Path) -> None:
    """openapi-generator's go client, versioned as the spec (`info.version`), its go.mod
    saying GO_VERSION."""
    version = spec_version(spec_path)
    owner, _, repo_id = (
        go_module("generated/go", version).removeprefix("github.com/").partition("/")
    )
    run_generator(
        spec_path,
        out,
        GO_IGNORE,
        [
            "--generator-name",
            "go",
            "--template-dir",
            str(go_templates(work / "go-templates")),
            "--git-host",
            "github.com",
            "--git-user-id",
            owner,
            # the module lives in a folder of the repository: its path ends with it (and
            # with /vN from v2 on)
            "--git-repo-id",
            repo_id,
            "--additional-properties",
            ",".join(
                [
                    f"packageName={GO_PACKAGE}",
                    f"packageVersion={version}",
                    # an unknown SessionState decodes (to a case of its own) instead of
                    # failing the whole answer
                    "enumUnknownDefaultCase=true",
                ]
            ),
        ],
    )


def java_templates(folder: Path) -> Path:
    """The pinned generator's native templates that register JSR-310, without it."""
    with zipfile.ZipFile(generator_jar()) as jar:
        for name, cuts in JAVA_TEMPLATE_CUTS.items():
            lines = jar.read(name).decode("utf-8").split("\n")
            for cut in cuts:
                if cut not in lines:
                    raise SystemExit(f"{name} of this openapi-generator lacks {cut!r}: recheck")
            kept = [line for line in lines if line not in cuts]
            target = folder / "libraries" / "native" / Path(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(kept), encoding="utf-8")
    return folder


def build_java(out: Path, spec_path: Path, work: Path) -> None:
    """openapi-generator's java client (native library: java.net.http), versioned as the spec."""
    run_generator(
        spec_path,
        out,
        JAVA_IGNORE,
        [
            "--generator-name",
            "java",
            "--library",
            "native",
            "--template-dir",
            str(java_templates(work / "java-templates")),
            "--additional-properties",
            ",".join(
                [
                    f"invokerPackage={JAVA_PACKAGE}",
                    f"apiPackage={JAVA_PACKAGE}.api",
                    f"modelPackage={JAVA_PACKAGE}.model",
                    f"groupId={JAVA_GROUP}",
                    f"artifactId={JAVA_ARTIFACT}",
                    f"artifactVersion={spec_version(spec_path)}",
                    "hideGenerationTimestamp=true",  # the same output whenever it is made
                    "openApiNullable=false",  # no jackson-databind-nullable (not in Debian)
                    # a list the answer lacks stays null, not an empty list it never sent
                    "containerDefaultToNull=true",
                    "enumUnknownDefaultCase=true",
                ]
            ),
        ],
    )


PHP_NAMESPACE = "Eko\\DigiLocker\\Generated"
PHP_COMPOSER_PACKAGE = "eko/digilocker-generated"
# Test stubs (PHPUnit skeletons that only skip), CI and git helpers, and the generator's
# own php-cs-fixer and PHPUnit settings: overlay/php is the package users install and test.
PHP_IGNORE = [
    "test/**",
    ".travis.yml",
    "git_push.sh",
    ".php-cs-fixer.dist.php",
    "phpunit.xml.dist",
]


def build_php(out: Path, spec_path: Path) -> None:
    """openapi-generator's php client (Guzzle 7), versioned as the spec. The overlay
    (overlay/php) reads answers from the raw status and body instead of its models, which
    coerce types (`"status": "0"` becomes 0) and drop unknown fields; they serve as types."""
    run_generator(
        spec_path,
        out,
        PHP_IGNORE,
        [
            "--generator-name",
            "php",
            "--additional-properties",
            ",".join(
                [
                    f"invokerPackage={PHP_NAMESPACE}",
                    f"composerPackageName={PHP_COMPOSER_PACKAGE}",
                    f"artifactVersion={spec_version(spec_path)}",
                    "hideGenerationTimestamp=true",
                ]
            ),
        ],
    )
