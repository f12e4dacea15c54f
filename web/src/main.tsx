import "./styles/global.css";
import { render } from "preact";
import { App } from "./app/app";
import { session } from "./session";

void session.load();

const root = document.getElementById("app");
if (root) render(<App />, root);
