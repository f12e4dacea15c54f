import { render } from "preact";

render(<p>Brine</p>, document.getElementById("app") as HTMLElement);
