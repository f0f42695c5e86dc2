"""The floor: a bare Flask app saying hello, served the same way as Dera in the same run."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
