import subprocess
import sys


def test_import_matching_stays_light():
    code = ("import sys, matching; from matching import Matcher, Need, Profile; "
            "heavy = {'flask', 'app', 'models', 'torch', 'faiss', 'sentence_transformers'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
