import { downloadBlob } from './download'

const STYLED = ['fill', 'stroke', 'stroke-width', 'stroke-opacity', 'fill-opacity', 'opacity', 'font-family', 'font-size',
  'font-weight', 'text-anchor', 'dominant-baseline', 'visibility', 'display'] as const

/**
 * A chart drawn as SVG (components/charts, components/reports/Chart.vue) as a PNG, in the browser
 * only: the SVG is copied with each element's computed colours and fonts written in (the page's
 * CSS variables do not travel with a serialized SVG) and drawn on a canvas at twice its size over
 * the page's background. No server and no chart service is involved.
 */
export async function chartPng(container: Element | null | undefined): Promise<Blob | null> {
  const svg = container?.tagName.toLowerCase() === 'svg' ? container as SVGSVGElement : container?.querySelector('svg')
  if (!svg) return null
  const { width, height } = svg.getBoundingClientRect()
  const copy = svg.cloneNode(true) as SVGSVGElement
  const from = [svg, ...svg.querySelectorAll('*')]
  const to = [copy, ...copy.querySelectorAll('*')]
  from.forEach((node, i) => {
    const style = getComputedStyle(node)
    const target = to[i] as SVGElement | undefined
    if (!target) return
    for (const name of STYLED) target.style.setProperty(name, style.getPropertyValue(name))
  })
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  copy.setAttribute('width', String(width))
  copy.setAttribute('height', String(height))
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }))
  try {
    const image = new Image()
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve()
      image.onerror = () => reject(new Error('the chart could not be drawn'))
      image.src = url
    })
    const scale = 2
    const canvas = document.createElement('canvas')
    canvas.width = Math.ceil(width * scale)
    canvas.height = Math.ceil(height * scale)
    const context = canvas.getContext('2d')!
    context.fillStyle = getComputedStyle(document.body).backgroundColor || '#ffffff'
    context.fillRect(0, 0, canvas.width, canvas.height)
    context.scale(scale, scale)
    context.drawImage(image, 0, 0, width, height)
    return await new Promise<Blob | null>(resolve => canvas.toBlob(resolve, 'image/png'))
  }
  finally {
    URL.revokeObjectURL(url)
  }
}

/** Saves the chart in `container` as a PNG; false when there is no chart to save. */
export async function downloadChartPng(container: Element | null | undefined, fileName: string): Promise<boolean> {
  const blob = await chartPng(container)
  if (!blob) return false
  downloadBlob(blob, fileName)
  return true
}
