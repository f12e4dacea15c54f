import "./styles/global.css";
import { render } from "preact";
import { App, isExternalPath } from "./app/app";
import { session } from "./session";

// An external agent's link needs no session, and must not ask for one.
if (!isExternalPath(location.pathname)) void session.load();

const root = document.getElementById("app");
if (root) render(<App />, root);
