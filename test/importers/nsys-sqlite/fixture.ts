// The fixture builder lives in src/ so the fuzz runner (src/fuzz/) can build the same database.
export { writeNsysFixture } from '../../../src/importers/nsys-sqlite/fixture';
